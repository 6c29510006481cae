"""The program desk on an in-memory Community, with fake candidacy and due-term ports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.ambassadors.ports import CandidacySnapshot
from application.ambassadors.program import ProgramDesk
from application.ambassadors.saving import ProgramChange
from domain.ambassadors import commands as ac
from domain.members import commands as mc
from tests.unit.conftest import in_memory_community

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
TERM = timedelta(days=30)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Snapshots:
    """CandidacyFactors: the same factors for everyone, remembering whom it was asked about."""

    def __init__(self) -> None:
        self.asked: list[UUID] = []

    def snapshot(self, member_id: UUID) -> CandidacySnapshot:
        self.asked.append(member_id)
        return CandidacySnapshot(rule_version="r2", factors={"engagement": 71.0, "breadth": 3})


class EveryNominee:
    """TermsDue as a stale read model would answer: everyone ever nominated, due or not."""

    def __init__(self) -> None:
        self.members: list[UUID] = []

    def terms_due(self, now: datetime) -> list[UUID]:
        return list(self.members)


class ProgramWorld:
    """A desk, its community and ports, and helpers to make members and move them."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.community = in_memory_community(clock=self.clock)
        self.snapshots = Snapshots()
        self.due = EveryNominee()
        self.desk = ProgramDesk(self.community, self.snapshots, self.due, term=TERM)
        self.manager = self.member()

    def member(self, *, staff: bool = False, bot: bool = False) -> UUID:
        """A new member, flagged as asked."""
        member_id = self.community.join_member(mc.JoinMember(display_name="Ada")).member.id
        if staff:
            self.community.mark_member_as_staff(mc.MarkMemberAsStaff(member_id=member_id))
        if bot:
            self.community.mark_member_as_bot(mc.MarkMemberAsBot(member_id=member_id))
        return member_id

    def nominate(self, member_id: UUID | None = None) -> UUID:
        """A member nominated (a new one unless named)."""
        member_id = member_id or self.member()
        self.desk.nominate(ac.NominateAmbassador(member_id=member_id, by=self.manager))
        self.due.members.append(member_id)
        return member_id

    def active(self, tier: str = "gold") -> UUID:
        """A member nominated and approved."""
        member_id = self.nominate()
        self.approve(member_id, tier)
        return member_id

    def approve(self, member_id: UUID, tier: str = "gold") -> ProgramChange:
        return self.desk.approve(
            ac.ApproveAmbassador(member_id=member_id, by=self.manager, tier=tier)
        )

    def pause(self, member_id: UUID) -> ProgramChange:
        return self.desk.pause(ac.PauseAmbassador(member_id=member_id, by=self.manager))

    def renew(self, member_id: UUID) -> ProgramChange:
        return self.desk.renew(ac.RenewAmbassador(member_id=member_id, by=self.manager))

    def retire(self, member_id: UUID) -> ProgramChange:
        return self.desk.retire(
            ac.RetireAmbassador(member_id=member_id, by=self.manager, reason="moved on")
        )
