"""The program desk: what the community manager does with the ambassador program.

Each move is load, act, save through the Community (the one event store) on the member's
one Ambassadorship record; the domain refuses a move the program does not allow from where
the member stands (IllegalProgramMove, a Conflict naming status and move).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from application.ambassadors.ports import CandidacyFactors, TermsDue
from application.ambassadors.saving import ProgramChange, ProgramStore
from application.members.community import Community
from domain.ambassadors import commands as cmd
from domain.ambassadors.ambassadorship import DEFAULT_TERM, Ambassadorship, TermStillRuns
from domain.ambassadors.errors import NotEligible
from domain.ambassadors.program import IllegalProgramMove, ProgramMove, ProgramStatus
from domain.errors import MemberIsErased
from domain.members.member import LEFT

# Only a running term can be retired for conduct or expire.
RUNNING = frozenset({ProgramStatus.ACTIVE, ProgramStatus.PAUSED})

log = logging.getLogger(__name__)


class ProgramDesk:
    """Program use cases: nominate, decide, run the term, end it (by hand, conduct or time)."""

    def __init__(
        self,
        community: Community,
        candidacy: CandidacyFactors,
        terms_due: TermsDue | None = None,
        *,
        term: timedelta = DEFAULT_TERM,
    ) -> None:
        self.store = ProgramStore(community)
        self.community = community
        self.candidacy = candidacy
        self.terms_due = terms_due
        self.term = term

    def get(self, member_id: UUID) -> Ambassadorship | None:
        """The member's ambassadorship now; None if never nominated."""
        return self.store.find(member_id)

    def nominate(self, command: cmd.NominateAmbassador) -> ProgramChange:
        """Put a member forward, keeping the candidacy factors the rule sees now."""
        self._check_candidate(command.member_id)
        self._check_actor(command.by)
        snapshot = self.candidacy.snapshot(command.member_id)
        now = self.community.clock()
        return self.store.change(
            command.member_id,
            command.expected_version,
            lambda record: record.nominate(
                by=command.by, factors=snapshot.factors, rule_version=snapshot.rule_version, at=now
            ),
        )

    def approve(self, command: cmd.ApproveAmbassador) -> ProgramChange:
        """Accept the nomination at a tier; the term (CRM_AMBASSADOR_TERM_DAYS) starts now."""
        now = self.community.clock()
        return self._move(
            command,
            ProgramMove.APPROVE,
            lambda r: r.approve(tier=command.tier, by=command.by, at=now, term=self.term),
        )

    def decline(self, command: cmd.DeclineAmbassador) -> ProgramChange:
        """Turn the nomination down, saying why."""
        return self._move(
            command, ProgramMove.DECLINE, lambda r: r.decline(reason=command.reason, by=command.by)
        )

    def change_tier(self, command: cmd.ChangeAmbassadorTier) -> ProgramChange:
        """Move the ambassador to another tier (the same tier records nothing)."""
        return self._move(
            command, ProgramMove.CHANGE_TIER, lambda r: r.change_tier(command.tier, by=command.by)
        )

    def pause(self, command: cmd.PauseAmbassador) -> ProgramChange:
        """Let the ambassador step back; the term still runs."""
        return self._move(
            command, ProgramMove.PAUSE, lambda r: r.pause(by=command.by, reason=command.reason)
        )

    def resume(self, command: cmd.ResumeAmbassador) -> ProgramChange:
        """Take the ambassador back from a pause."""
        return self._move(command, ProgramMove.RESUME, lambda r: r.resume(by=command.by))

    def renew(self, command: cmd.RenewAmbassador) -> ProgramChange:
        """Extend the term by one term, from its end."""
        now = self.community.clock()
        return self._move(
            command, ProgramMove.RENEW, lambda r: r.renew(by=command.by, at=now, term=self.term)
        )

    def retire(self, command: cmd.RetireAmbassador) -> ProgramChange:
        """End the ambassadorship, saying why."""
        return self._move(
            command, ProgramMove.RETIRE, lambda r: r.retire(reason=command.reason, by=command.by)
        )

    def retire_for_conduct(
        self, member_id: UUID, incident_id: UUID, decided_by: UUID | None
    ) -> bool:
        """RetireOnBan: an upheld BAN retires a running ambassadorship, naming the incident.

        A member outside the program, or whose ambassadorship is not running, is left alone;
        so is an erased member's (the reason could not be sealed under their shredded key).
        """
        retired = False

        def retire(record: Ambassadorship) -> None:
            nonlocal retired
            retired = record.status in RUNNING
            if retired:
                record.retire(
                    reason=f"banned under the code of conduct (incident {incident_id})",
                    by=decided_by,
                    incident_id=incident_id,
                )

        if self.store.find(member_id) is None:
            return False
        try:
            self.store.change(member_id, None, retire)
        except MemberIsErased:
            return False
        return retired

    def expire_due(self, now: datetime) -> int:
        """Expire every running term that ended by `now`; returns how many expired.

        The read model names the candidates; each record decides for itself, so a stale
        read model, or a second run, expires nothing twice.
        """
        if self.terms_due is None:
            raise RuntimeError("expire_due needs the read model's TermsDue")
        expired = 0
        for member_id in self.terms_due.terms_due(now):
            try:
                change = self.store.change(member_id, None, lambda r: _expire(r, now))
            except (IllegalProgramMove, TermStillRuns):
                continue  # renewed, retired or expired since the read model saw it
            expired += change.position is not None
        if expired:
            log.info("ambassador terms expired: %d", expired)
        return expired

    def _move(self, command: cmd.ProgramCommand, move: ProgramMove, act: Act) -> ProgramChange:
        """A move of an existing ambassadorship; outside the program it is illegal."""
        self._check_actor(command.by)

        def checked(record: Ambassadorship) -> None:
            if record.status is None:  # never nominated: nothing to move
                self.community.get_member(command.member_id)  # MemberNotFound if no member
                raise IllegalProgramMove(None, move)
            act(record)

        return self.store.change(command.member_id, command.expected_version, checked)

    def _check_candidate(self, member_id: UUID) -> None:
        """Only a present member of the community may be nominated (not staff nor a bot)."""
        member = self.community.get_member(member_id)
        if member.is_erased:
            raise MemberIsErased(member_id)
        if member.status == LEFT:
            raise NotEligible(member_id, "the member has left the community")
        if member.is_staff:
            raise NotEligible(member_id, "staff are not ambassadors")
        if member.is_bot:
            raise NotEligible(member_id, "bots are not ambassadors")

    def _check_actor(self, actor_id: UUID) -> None:
        """Who makes a move must be a member on record, not erased."""
        if self.community.get_member(actor_id).is_erased:
            raise MemberIsErased(actor_id)


Act = Callable[[Ambassadorship], None]


def _expire(record: Ambassadorship, now: datetime) -> None:
    record.expire(now=now)
