"""The conduct desk: how the community manager records, decides and reviews on appeal."""

from __future__ import annotations

import logging
from dataclasses import replace
from uuid import UUID

from application.conduct.ports import RetireOnBan
from application.conduct.saving import IncidentChange, IncidentStore
from application.members.community import Community
from domain.conduct import Incident, Severity
from domain.conduct import commands as cmd
from domain.errors import DomainError

log = logging.getLogger(__name__)


def keep_ambassadorship(member_id: UUID, incident_id: UUID, decided_by: UUID | None) -> bool:
    """A RetireOnBan that retires nothing: the default until the program is wired."""
    return False


class ConductDesk:
    """Conduct use cases as load, act, save through the Community (the one event store).

    Every command checks that the members it names, the member concerned included, exist
    and are not erased: an erased member's incidents are closed.
    """

    def __init__(self, community: Community, retire_on_ban: RetireOnBan = keep_ambassadorship):
        self.store = IncidentStore(community)
        self.community = community
        self.retire_on_ban = retire_on_ban

    def get_incident(self, incident_id: UUID) -> Incident:
        """The incident's current state; IncidentNotFound if no incident has this id."""
        return self.store.incident(incident_id)

    def report(self, command: cmd.ReportConductIncident) -> IncidentChange:
        """Record a report about a member (by a member, or anonymously)."""
        self.store.members(command.member_id, command.reporter_id)
        now = self.community.clock()
        incident = Incident.report(
            member_id=command.member_id,
            reporter_id=command.reporter_id,
            channel=command.channel.value,
            description=command.description,
            evidence_url=command.evidence_url,
            reported_at=command.reported_at or now,
            now=now,
            bounds=self.community.bounds,
        )
        return self.store.save(incident)

    def start_review(self, command: cmd.StartConductReview) -> IncidentChange:
        """Record that staff started looking into the report."""
        self._check_members(command.incident_id, command.reviewer_id)
        now = self.community.clock()
        return self.store.change(
            command, lambda i: i.start_review(reviewer_id=command.reviewer_id, at=now)
        )

    def decide(self, command: cmd.DecideConductIncident) -> IncidentChange:
        """Uphold with a severity or dismiss; an upheld BAN then retires the ambassadorship."""
        self._check_members(command.incident_id, command.decided_by)
        now = self.community.clock()
        change = self.store.change(
            command,
            lambda i: i.decide(
                uphold=command.uphold,
                severity=command.severity,
                suspended_until=command.suspended_until,
                reason=command.reason,
                decided_by=command.decided_by,
                at=now,
            ),
        )
        if change.incident.in_force_severity is Severity.BAN:
            return replace(change, retired=self._retire(change.incident, command.decided_by))
        return change

    def appeal(self, command: cmd.AppealConductIncident) -> IncidentChange:
        """Record the appeal of a decision (once); the decision stays in force meanwhile."""
        self._check_members(command.incident_id, command.recorded_by)
        now = self.community.clock()
        return self.store.change(
            command,
            lambda i: i.appeal(reason=command.reason, at=now, recorded_by=command.recorded_by),
        )

    def decide_appeal(self, command: cmd.DecideConductAppeal) -> IncidentChange:
        """Confirm the decision appealed or overturn it.

        A confirmed BAN retires nothing more: its decision already did. An overturned BAN
        does not bring the ambassadorship back; the manager may nominate the member again.
        """
        self._check_members(command.incident_id, command.decided_by)
        now = self.community.clock()
        return self.store.change(
            command,
            lambda i: i.decide_appeal(
                command.outcome, decided_by=command.decided_by, at=now, reason=command.reason
            ),
        )

    def _check_members(self, incident_id: UUID, *named: UUID | None) -> None:
        """The member concerned and every member named exist and are not erased."""
        incident = self.store.incident(incident_id)
        self.store.members(incident.member_id, *named)

    def _retire(self, incident: Incident, decided_by: UUID) -> bool:
        """Retire the banned member's ambassadorship; the ban stands even if this fails."""
        try:
            return self.retire_on_ban(incident.member_id, incident.id, decided_by)
        except DomainError:
            # The decision is recorded; a retirement refused (a concurrent change of the
            # ambassadorship) is logged for the manager to retire by hand.
            log.warning("the ban of incident %s retired no ambassadorship", incident.id)
            return False
