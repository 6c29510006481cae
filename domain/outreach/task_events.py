"""What happens to a follow-up task, in the past tense: the FollowUpTask's events.

The title is about the member (it names them, says what to talk about): personal data,
sealed under the member's key, so erasing the member shreds it too.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.outreach.task_moves import TaskMove, after_task_move
from domain.pinned import PinnedTopic

if TYPE_CHECKING:
    from domain.outreach.task import FollowUpTask


class TaskEvent(PinnedTopic, Aggregate.Event):
    """Base of task events: each pins its topic, and moves the status by its move."""

    MOVE: ClassVar[TaskMove]
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()
    PERSONAL_SUBJECT: ClassVar[str] = "member_id"

    def apply(self, aggregate: FollowUpTask) -> None:
        aggregate.status = after_task_move(aggregate.status, self.MOVE)


class TaskCreated(TaskEvent, Aggregate.Created):
    """A follow-up task was created about a member, for a staff member."""

    TOPIC = "crm.outreach.TaskCreated"
    MOVE = TaskMove.CREATE
    PERSONAL_FIELDS = ("title",)
    member_id: UUID
    title: str
    assignee_id: UUID
    due_on: str  # ISO date (UTC days)
    link_kind: str | None
    link_id: UUID | None
    at: datetime

    def apply(self, aggregate: FollowUpTask) -> None:
        """The aggregate's __init__ sets the status."""


class TaskCompleted(TaskEvent):
    """The follow-up was done."""

    TOPIC = "crm.outreach.TaskCompleted"
    MOVE = TaskMove.COMPLETE
    at: datetime


class TaskReopened(TaskEvent):
    """A done or cancelled task was opened again."""

    TOPIC = "crm.outreach.TaskReopened"
    MOVE = TaskMove.REOPEN
    at: datetime


class TaskCancelled(TaskEvent):
    """The follow-up was no longer needed."""

    TOPIC = "crm.outreach.TaskCancelled"
    MOVE = TaskMove.CANCEL
    at: datetime


TASK_EVENTS: tuple[type[TaskEvent], ...] = (
    TaskCreated,
    TaskCompleted,
    TaskReopened,
    TaskCancelled,
)
