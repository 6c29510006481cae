"""Follow-up task commands: what a caller asks of a task, validated before the domain sees it."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, Field

from domain.commands import Command
from domain.errors import InvalidField
from domain.outreach.task_moves import TaskLinkKind
from domain.texts import check_free_text

MAX_TITLE = 500
# Due dates a task can have: far dates are typing mistakes, and would not sort usefully.
EARLIEST_DUE = date(2000, 1, 1)
LATEST_DUE = date(2999, 12, 31)


def _title(value: str) -> str:
    return check_free_text(value, "title", MAX_TITLE)


def _due(value: date) -> date:
    if not EARLIEST_DUE <= value <= LATEST_DUE:
        raise ValueError(f"must be between {EARLIEST_DUE} and {LATEST_DUE}")
    return value


Title = Annotated[str, AfterValidator(_title)]
DueOn = Annotated[date, AfterValidator(_due)]


class CreateFollowUpTask(Command):
    """Create a task about a member, for a staff member, due on a day.

    The member is given, or taken from what the task follows up on: a member at risk, a
    feedback item (its author) or an ambassador nomination (the member nominated).
    """

    title: Title
    assignee_id: UUID
    due_on: DueOn
    member_id: UUID | None = None
    from_at_risk: UUID | None = None  # the member at risk
    from_feedback_item: UUID | None = None
    from_ambassador_nomination: UUID | None = None  # the member nominated

    def link(self) -> tuple[TaskLinkKind, UUID] | None:
        """What the task follows up on, if anything; InvalidField when two are given."""
        given = [
            (kind, ref)
            for kind, ref in (
                (TaskLinkKind.AT_RISK, self.from_at_risk),
                (TaskLinkKind.FEEDBACK_ITEM, self.from_feedback_item),
                (TaskLinkKind.AMBASSADOR_NOMINATION, self.from_ambassador_nomination),
            )
            if ref is not None
        ]
        if len(given) > 1:
            field = f"from_{given[1][0].value}"
            raise InvalidField(field, "a task follows up on one record at most")
        if not given and self.member_id is None:
            raise InvalidField("member_id", "is required unless the task follows up on a record")
        return given[0] if given else None


class TaskCommand(Command):
    """A command addressed to one existing task."""

    task_id: UUID
    expected_version: int | None = Field(default=None, ge=1)


class CompleteFollowUpTask(TaskCommand):
    """The follow-up is done."""


class ReopenFollowUpTask(TaskCommand):
    """A done or cancelled task is open again."""


class CancelFollowUpTask(TaskCommand):
    """The follow-up is no longer needed."""
