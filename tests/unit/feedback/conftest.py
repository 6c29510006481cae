"""The feedback desk on an in-memory Community, with members to name."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from application.feedback.desk import FeedbackDesk
from application.members.community import Community
from domain.feedback import commands as fc
from domain.members import commands as mc
from tests.unit.conftest import in_memory_community


class Spoken:
    """The MemberSpoke port, remembering who spoke."""

    def __init__(self) -> None:
        self.calls: list[tuple[UUID, str, datetime]] = []

    def __call__(self, member_id: UUID, channel: str, at: datetime) -> None:
        self.calls.append((member_id, channel, at))


class Desk:
    """A desk with its community, fake ports, and helpers to make members and items."""

    def __init__(self, community: Community) -> None:
        self.community = community
        self.spoken = Spoken()
        self.desk = FeedbackDesk(community, self.spoken)

    def member(self, *, staff: bool = False, bot: bool = False, erased: bool = False) -> UUID:
        """A new member, flagged as asked."""
        member_id = self.community.join_member(mc.JoinMember(display_name="Someone")).member.id
        if staff:
            self.community.mark_member_as_staff(mc.MarkMemberAsStaff(member_id=member_id))
        if bot:
            self.community.mark_member_as_bot(mc.MarkMemberAsBot(member_id=member_id))
        if erased:
            self.community.erase_member(mc.EraseMember(member_id=member_id))
        return member_id

    def submit(self, author_id: UUID | None = None, **fields: Any) -> UUID:
        """A new item (a feature request unless said otherwise)."""
        values: dict[str, Any] = {
            "author_id": author_id or self.member(),
            "channel": "discord",
            "kind": "feature_request",
            "text": "Dark mode, please",
        }
        item_id = self.desk.submit(fc.SubmitFeedback(**(values | fields))).item.id
        return item_id


@pytest.fixture
def desk() -> Desk:
    """A fresh desk over a fresh in-memory Community."""
    return Desk(in_memory_community())
