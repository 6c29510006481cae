"""The ambassador program's statuses, and the moves between them that the program allows."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import ConflictError


class ProgramStatus(StrEnum):
    """Where a member stands in the ambassador program: stored by value in events."""

    NOMINATED = "nominated"
    DECLINED = "declined"
    ACTIVE = "active"
    PAUSED = "paused"
    EXPIRED = "expired"
    RETIRED = "retired"


class ProgramMove(StrEnum):
    """What can happen to a membership of the program: the events' names, in the imperative."""

    NOMINATE = "nominate"
    APPROVE = "approve"
    DECLINE = "decline"
    CHANGE_TIER = "change_tier"
    PAUSE = "pause"
    RESUME = "resume"
    RENEW = "renew"
    EXPIRE = "expire"
    RETIRE = "retire"


S, M = ProgramStatus, ProgramMove
# Approval starts the term (so an approved member is active); a term not renewed ends
# expired. A declined, expired or retired member may be nominated again, for a new term.
MOVES: dict[tuple[ProgramStatus | None, ProgramMove], ProgramStatus] = {
    (None, M.NOMINATE): S.NOMINATED,
    (S.DECLINED, M.NOMINATE): S.NOMINATED,
    (S.EXPIRED, M.NOMINATE): S.NOMINATED,
    (S.RETIRED, M.NOMINATE): S.NOMINATED,
    (S.NOMINATED, M.APPROVE): S.ACTIVE,
    (S.NOMINATED, M.DECLINE): S.DECLINED,
    (S.ACTIVE, M.CHANGE_TIER): S.ACTIVE,
    (S.PAUSED, M.CHANGE_TIER): S.PAUSED,
    (S.ACTIVE, M.PAUSE): S.PAUSED,
    (S.PAUSED, M.RESUME): S.ACTIVE,
    (S.ACTIVE, M.RENEW): S.ACTIVE,
    (S.PAUSED, M.RENEW): S.PAUSED,
    (S.ACTIVE, M.EXPIRE): S.EXPIRED,
    (S.PAUSED, M.EXPIRE): S.EXPIRED,
    (S.ACTIVE, M.RETIRE): S.RETIRED,
    (S.PAUSED, M.RETIRE): S.RETIRED,
}


class IllegalProgramMove(ConflictError):
    """A move the program does not allow from where the member stands, naming both."""

    code = "ILLEGAL_PROGRAM_MOVE"

    def __init__(self, status: ProgramStatus | None, move: ProgramMove) -> None:
        where = "outside the program" if status is None else f"{status.value}"
        super().__init__(f"an ambassador {where} cannot {move.value.replace('_', ' ')}")
        self.status = status
        self.move = move


def after_move(status: ProgramStatus | None, move: ProgramMove) -> ProgramStatus:
    """The status a move leads to from `status` (None: never in the program)."""
    found = MOVES.get((status, move))
    if found is None:
        raise IllegalProgramMove(status, move)
    return found


def allowed_moves(status: ProgramStatus | None) -> list[ProgramMove]:
    """The moves the program allows from `status`, in their declared order."""
    return [move for move in ProgramMove if (status, move) in MOVES]
