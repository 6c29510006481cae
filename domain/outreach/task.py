"""The FollowUpTask aggregate: something a staff member is to do about a member, by a day."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.outreach.task_events import TaskCancelled, TaskCompleted, TaskCreated, TaskReopened
from domain.outreach.task_moves import TaskLinkKind, TaskMove, TaskStatus, after_task_move


class FollowUpTask(Aggregate):
    """One follow-up task about one member, from creation to done or cancelled."""

    TOPIC = "crm.outreach.FollowUpTask"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.outreach.FollowUpTaskCreated"

    @classmethod
    def create(
        cls,
        *,
        member_id: UUID,
        title: str,
        assignee_id: UUID,
        due_on: date,
        link: tuple[TaskLinkKind, UUID] | None,
        at: datetime,
    ) -> FollowUpTask:
        """A new open task; the link names what it follows up on, if anything."""
        return cls._create(
            TaskCreated,
            member_id=member_id,
            title=title,
            assignee_id=assignee_id,
            due_on=due_on.isoformat(),
            link_kind=link[0].value if link else None,
            link_id=link[1] if link else None,
            at=at,
        )

    def __init__(
        self,
        *,
        member_id: UUID,
        title: str,
        assignee_id: UUID,
        due_on: str,
        link_kind: str | None,
        link_id: UUID | None,
        at: datetime,
    ) -> None:
        self.member_id = member_id
        self.title = title
        self.assignee_id = assignee_id
        self.due_on = date.fromisoformat(due_on)
        self.link_kind = TaskLinkKind(link_kind) if link_kind else None
        self.link_id = link_id
        self.created_at = at
        self.status = TaskStatus.OPEN

    def complete(self, *, at: datetime) -> None:
        """The follow-up is done; IllegalTaskMove unless the task is open."""
        after_task_move(self.status, TaskMove.COMPLETE)
        self.trigger_event(TaskCompleted, at=at)

    def reopen(self, *, at: datetime) -> None:
        """Open a done or cancelled task again."""
        after_task_move(self.status, TaskMove.REOPEN)
        self.trigger_event(TaskReopened, at=at)

    def cancel(self, *, at: datetime) -> None:
        """The follow-up is no longer needed; IllegalTaskMove unless the task is open."""
        after_task_move(self.status, TaskMove.CANCEL)
        self.trigger_event(TaskCancelled, at=at)
