"""The follow-up task desk: how staff create tasks about members and see them through."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from application.members.community import Community
from application.outreach.tasks_ports import LinkedRecords
from application.outreach.tasks_saving import TaskChange, TaskStore
from domain.errors import InvalidField, MemberIsErased, MemberNotFound
from domain.lifecycle import Stage
from domain.members.member import Member
from domain.outreach import commands_tasks as cmd
from domain.outreach.task import FollowUpTask
from domain.outreach.task_errors import LinkedMemberMismatch, LinkedRecordNotFound, MemberNotAtRisk
from domain.outreach.task_moves import TaskLinkKind


class TaskDesk:
    """Task use cases as load, act, save through the Community (the one event store).

    The member must exist and not be erased (an erased member's tasks are closed); the
    assignee must be a staff member, not erased; a linked record must exist.
    """

    def __init__(self, community: Community, links: LinkedRecords) -> None:
        self.store = TaskStore(community)
        self.community = community
        self.links = links

    def get_task(self, task_id: UUID) -> FollowUpTask:
        """The task's current state; TaskNotFound if no task has this id."""
        return self.store.task(task_id)

    def create(self, command: cmd.CreateFollowUpTask) -> TaskChange:
        """Create an open task, from a linked record (its member) or about a member given."""
        link = command.link()
        member_id = self._member_of(command, link)
        self._check_assignee(command.assignee_id)
        task = FollowUpTask.create(
            member_id=member_id,
            title=command.title,
            assignee_id=command.assignee_id,
            due_on=command.due_on,
            link=link,
            at=self.community.clock(),
        )
        return self.store.save(task)

    def complete(self, command: cmd.CompleteFollowUpTask) -> TaskChange:
        """Mark an open task done."""
        return self._move(command, FollowUpTask.complete)

    def reopen(self, command: cmd.ReopenFollowUpTask) -> TaskChange:
        """Open a done or cancelled task again."""
        return self._move(command, FollowUpTask.reopen)

    def cancel(self, command: cmd.CancelFollowUpTask) -> TaskChange:
        """Cancel an open task."""
        return self._move(command, FollowUpTask.cancel)

    def _move(self, command: cmd.TaskCommand, move: Callable[..., None]) -> TaskChange:
        """Move a task whose member is still present (an erased member's tasks are closed)."""
        self._present(self.store.task(command.task_id).member_id)
        now = self.community.clock()
        return self.store.change(command, lambda task: move(task, at=now))

    def _member_of(
        self, command: cmd.CreateFollowUpTask, link: tuple[TaskLinkKind, UUID] | None
    ) -> UUID:
        """The task's member: the linked record's, which must agree with one given."""
        if link is None:
            assert command.member_id is not None  # command.link() refuses neither
            self._present(command.member_id)
            return command.member_id
        kind, ref = link
        if kind is TaskLinkKind.AT_RISK:
            member = self._present(ref, kind)
            if member.stage != Stage.AT_RISK.value:
                raise MemberNotAtRisk(ref)
            linked = ref
        elif kind is TaskLinkKind.FEEDBACK_ITEM:
            linked = self.links.feedback_author(ref)
        else:
            linked = self.links.nominated_member(ref)
        if command.member_id is not None and command.member_id != linked:
            raise LinkedMemberMismatch(command.member_id, linked)
        self._present(linked)
        return linked

    def _present(self, member_id: UUID, kind: TaskLinkKind | None = None) -> Member:
        """The member, who exists and is not erased (a missing linked member: not found)."""
        try:
            member = self.community.get_member(member_id)
        except MemberNotFound:
            if kind is None:
                raise
            raise LinkedRecordNotFound(kind, member_id) from None
        if member.is_erased:
            raise MemberIsErased(member_id)
        return member

    def _check_assignee(self, assignee_id: UUID) -> None:
        """The assignee exists, is not erased, and is marked as staff."""
        try:
            assignee = self.community.get_member(assignee_id)
        except MemberNotFound:
            raise InvalidField("assignee_id", "no member has this id") from None
        if assignee.is_erased:
            raise InvalidField("assignee_id", "names an erased member")
        if not assignee.is_staff:
            raise InvalidField("assignee_id", "names a member who is not marked as staff")
