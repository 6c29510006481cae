"""The outreach desk: staff record that they reached out to a member."""

from __future__ import annotations

from dataclasses import dataclass

from application.crypto import SubjectErased
from application.members.community import Community
from domain.errors import MemberIsErased
from domain.outreach.commands_log import RecordOutreach
from domain.outreach.outreach import NotStaff, Outreach


@dataclass(frozen=True)
class OutreachChange:
    """The outreach recorded, and where its event landed in the log."""

    outreach: Outreach
    position: int | None


class OutreachDesk:
    """Recording outreach through the Community (the one event store).

    The member must exist and not be erased; the one who reached out must exist, not be
    erased, and be staff.
    """

    def __init__(self, community: Community) -> None:
        self.community = community

    def record(self, command: RecordOutreach) -> OutreachChange:
        """Record one outreach (at: default now)."""
        member = self.community.get_member(command.member_id)
        if member.is_erased:
            raise MemberIsErased(member.id)
        staff = self.community.get_member(command.staff_id)
        if staff.is_erased:
            raise MemberIsErased(staff.id)
        if not staff.is_staff:
            raise NotStaff(staff.id)
        now = self.community.clock()
        outreach = Outreach.record(
            member_id=command.member_id,
            staff_id=command.staff_id,
            channel=command.channel.value,
            purpose=command.purpose,
            note=command.note,
            at=command.at or now,
            now=now,
            bounds=self.community.bounds,
        )
        try:
            recordings = self.community.save(outreach)
        except SubjectErased:
            # The member was erased between the check and the save: no key to seal with.
            raise MemberIsErased(command.member_id) from None
        position = recordings[-1].notification.id if recordings else None
        return OutreachChange(outreach, position)
