"""The ambassador program's moves: every (status, move) pair, allowed or refused by name."""

from __future__ import annotations

import itertools

import pytest

from domain.ambassadors import (
    IllegalProgramMove,
    ProgramMove,
    ProgramStatus,
    after_move,
    allowed_moves,
)

S, M = ProgramStatus, ProgramMove
# The program as the issue tells it, written out by hand rather than read from MOVES.
ALLOWED = {
    (None, M.NOMINATE): S.NOMINATED,
    (S.NOMINATED, M.APPROVE): S.ACTIVE,
    (S.NOMINATED, M.DECLINE): S.DECLINED,
    (S.ACTIVE, M.PAUSE): S.PAUSED,
    (S.PAUSED, M.RESUME): S.ACTIVE,
    (S.ACTIVE, M.RETIRE): S.RETIRED,
    (S.PAUSED, M.RETIRE): S.RETIRED,
    (S.ACTIVE, M.EXPIRE): S.EXPIRED,
    (S.PAUSED, M.EXPIRE): S.EXPIRED,
    (S.ACTIVE, M.RENEW): S.ACTIVE,
    (S.PAUSED, M.RENEW): S.PAUSED,
    (S.ACTIVE, M.CHANGE_TIER): S.ACTIVE,
    (S.PAUSED, M.CHANGE_TIER): S.PAUSED,
    (S.DECLINED, M.NOMINATE): S.NOMINATED,
    (S.EXPIRED, M.NOMINATE): S.NOMINATED,
    (S.RETIRED, M.NOMINATE): S.NOMINATED,
}
PAIRS = list(itertools.product([None, *ProgramStatus], ProgramMove))


@pytest.mark.parametrize(("status", "move"), [p for p in PAIRS if p in ALLOWED])
def test_allowed_moves_lead_where_the_program_says(
    status: ProgramStatus | None, move: ProgramMove
) -> None:
    assert after_move(status, move) is ALLOWED[(status, move)]
    assert move in allowed_moves(status)


@pytest.mark.parametrize(("status", "move"), [p for p in PAIRS if p not in ALLOWED])
def test_every_other_move_is_refused_naming_the_status_and_the_move(
    status: ProgramStatus | None, move: ProgramMove
) -> None:
    with pytest.raises(IllegalProgramMove) as refused:
        after_move(status, move)
    assert (refused.value.status, refused.value.move) == (status, move)
    where = "outside the program" if status is None else status.value
    assert where in str(refused.value)
    assert move.value.replace("_", " ") in str(refused.value)
    assert move not in allowed_moves(status)
    assert refused.value.code == "ILLEGAL_PROGRAM_MOVE"
