"""Why members joined: answers recorded by staff, from the configured options and free text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.members.community import Community
from application.outreach.staff import check_member, check_staff, save_about
from domain.outreach.commands_motivations import RecordMemberMotivation
from domain.outreach.motivation import DEFAULT_MOTIVATIONS, Motivation


@dataclass(frozen=True)
class MotivationChange:
    """The answer recorded, and where its event landed."""

    motivation: Motivation
    position: int | None


class MotivationDesk:
    """Records members' motivations against the community's list of options."""

    def __init__(self, community: Community, options: Sequence[str] = DEFAULT_MOTIVATIONS):
        self.community = community
        self.options = tuple(options)

    def record(self, command: RecordMemberMotivation) -> MotivationChange:
        """Record the member's answer (it replaces any earlier one in the read model)."""
        check_member(self.community, command.member_id)
        check_staff(self.community, "recorded_by", command.recorded_by)
        now = self.community.clock()
        motivation = Motivation.record(
            member_id=command.member_id,
            options=command.options,
            allowed=self.options,
            text=command.text,
            recorded_by=command.recorded_by,
            at=command.at or now,
            now=now,
            bounds=self.community.bounds,
        )
        position = save_about(self.community, motivation, command.member_id)
        return MotivationChange(motivation, position)
