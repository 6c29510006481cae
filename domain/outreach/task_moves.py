"""A follow-up task's statuses, the moves between them, and what it may be linked to."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import ConflictError


class TaskStatus(StrEnum):
    """Where a task stands: stored by value in events and in the read model."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskMove(StrEnum):
    """What can happen to a task, in the imperative."""

    CREATE = "create"
    COMPLETE = "complete"
    REOPEN = "reopen"
    CANCEL = "cancel"


class TaskLinkKind(StrEnum):
    """What a task follows up on, if anything: stored by value."""

    AT_RISK = "at_risk"  # the member's at-risk flag (the link names the member)
    FEEDBACK_ITEM = "feedback_item"
    AMBASSADOR_NOMINATION = "ambassador_nomination"  # the link names the nominated member


S, M = TaskStatus, TaskMove
# A task is done or cancelled once; either may be reopened (the follow-up turned out not
# to be over), and a reopened task is open like a new one. A done task is not cancelled
# and a cancelled one not completed: reopen it first.
MOVES: dict[tuple[TaskStatus | None, TaskMove], TaskStatus] = {
    (None, M.CREATE): S.OPEN,
    (S.OPEN, M.COMPLETE): S.DONE,
    (S.OPEN, M.CANCEL): S.CANCELLED,
    (S.DONE, M.REOPEN): S.OPEN,
    (S.CANCELLED, M.REOPEN): S.OPEN,
}


class IllegalTaskMove(ConflictError):
    """A move a task does not allow from where it stands, naming both."""

    code = "ILLEGAL_TASK_MOVE"

    def __init__(self, status: TaskStatus | None, move: TaskMove) -> None:
        where = "that does not exist" if status is None else status.value
        super().__init__(f"a task {where} cannot {move.value}")
        self.status = status
        self.move = move


def after_task_move(status: TaskStatus | None, move: TaskMove) -> TaskStatus:
    """The status a move leads to from `status`; IllegalTaskMove if none."""
    found = MOVES.get((status, move))
    if found is None:
        raise IllegalTaskMove(status, move)
    return found


def allowed_task_moves(status: TaskStatus | None) -> list[TaskMove]:
    """The moves allowed from `status`, in their declared order."""
    return [move for move in TaskMove if (status, move) in MOVES]
