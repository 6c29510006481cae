"""The task desk on an in-memory Community, with fake linked records and staff."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from application.members.community import Community
from application.outreach.tasks import TaskDesk
from domain.lifecycle import Evidence, Stage
from domain.lifecycle.stages import Assessment
from domain.members import commands as mc
from domain.outreach import commands_tasks as tc
from domain.outreach.task_errors import LinkedRecordNotFound
from domain.outreach.task_moves import TaskLinkKind

DUE = date(2026, 12, 10)


class FakeLinks:
    """The LinkedRecords port over dictionaries a test fills."""

    def __init__(self) -> None:
        self.authors: dict[UUID, UUID] = {}
        self.nominated: set[UUID] = set()

    def feedback_author(self, item_id: UUID) -> UUID:
        if item_id not in self.authors:
            raise LinkedRecordNotFound(TaskLinkKind.FEEDBACK_ITEM, item_id)
        return self.authors[item_id]

    def nominated_member(self, member_id: UUID) -> UUID:
        if member_id not in self.nominated:
            raise LinkedRecordNotFound(TaskLinkKind.AMBASSADOR_NOMINATION, member_id)
        return member_id


class Tasks:
    """A desk with its community, fake links, a staff assignee, and helpers."""

    def __init__(self, community: Community) -> None:
        self.community = community
        self.links = FakeLinks()
        self.desk = TaskDesk(community, self.links)
        self.staff = self.member(staff=True)

    def member(self, *, staff: bool = False, erased: bool = False) -> UUID:
        member_id = self.community.join_member(mc.JoinMember(display_name="Someone")).member.id
        if staff:
            self.community.mark_member_as_staff(
                mc.MarkMemberAsStaff(member_id=member_id, is_staff=True)
            )
        if erased:
            self.community.erase_member(mc.EraseMember(member_id=member_id))
        return member_id

    def at_risk(self) -> UUID:
        """A member the lifecycle judged at risk."""
        member_id = self.member()
        member = self.community.get_member(member_id)
        now = datetime.now(UTC)
        evidence = Evidence(7.0, 0.0, now - timedelta(days=30), 30, 2.0)
        member.change_stage(Assessment(Stage.AT_RISK, evidence, "test", "quiet"), now)
        self.community.save(member)
        return member_id

    def create(self, **fields: Any) -> UUID:
        fields.setdefault("title", "Ask how the launch went")
        fields.setdefault("assignee_id", self.staff)
        fields.setdefault("due_on", DUE)
        return self.desk.create(tc.CreateFollowUpTask(**fields)).task.id

    def unknown(self) -> UUID:
        return uuid4()
