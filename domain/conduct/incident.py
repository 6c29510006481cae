"""The Incident aggregate: a code-of-conduct report, its review, decision and appeal."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.conduct.events import (
    AppealDecided,
    Appealed,
    ConductEvent,
    Dismissed,
    Reported,
    ReviewStarted,
    Upheld,
)
from domain.conduct.moves import (
    AppealOutcome,
    IllegalIncidentMove,
    IncidentMove,
    IncidentStatus,
    Severity,
    after_move,
)
from domain.errors import ConflictError, InvalidField
from domain.moments import DEFAULT_BOUNDS, TimeBounds


class IncidentAlreadyAppealed(ConflictError):
    """A decision may be appealed once: the appeal's decision is final."""

    code = "INCIDENT_ALREADY_APPEALED"

    def __init__(self, incident_id: UUID) -> None:
        super().__init__(f"incident {incident_id} was already appealed once")
        self.incident_id = incident_id


class Incident(Aggregate):
    """One reported incident about one member, from report to a final decision."""

    TOPIC = "crm.conduct.Incident"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.conduct.Created"

    @classmethod
    def report(
        cls,
        *,
        member_id: UUID,
        reporter_id: UUID | None,
        channel: str,
        description: str,
        evidence_url: str | None,
        reported_at: datetime,
        now: datetime,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> Incident:
        """A new report; in the past for ones recorded late, never in the future."""
        bounds.check("reported_at", reported_at, now)
        if reporter_id == member_id:
            raise InvalidField("reporter_id", "must not be the member concerned")
        return cls._create(
            Reported,
            member_id=member_id,
            reporter_id=reporter_id,
            channel=channel,
            description=description,
            evidence_url=evidence_url,
            reported_at=reported_at,
        )

    def __init__(
        self,
        *,
        member_id: UUID,
        reporter_id: UUID | None,
        channel: str,
        description: str,
        evidence_url: str | None,
        reported_at: datetime,
    ) -> None:
        self.member_id = member_id
        self.reporter_id = reporter_id
        self.channel = channel
        self.description = description
        self.evidence_url = evidence_url
        self.reported_at = reported_at
        self.status = IncidentStatus.REPORTED
        # The decision in force (upheld or dismissed), or None before one or once overturned.
        self.decision: IncidentStatus | None = None
        self.severity: str | None = None
        self.suspended_until: datetime | None = None
        self.decided_at: datetime | None = None
        self.appealed = False
        self.appeal_outcome: str | None = None

    @property
    def in_force_severity(self) -> Severity | None:
        """The severity of the upheld decision in force (pending appeal included), if any."""
        if self.decision is not IncidentStatus.UPHELD or self.severity is None:
            return None
        return Severity(self.severity)

    def start_review(self, *, reviewer_id: UUID, at: datetime) -> None:
        """Staff start looking into the report."""
        self._check(IncidentMove.START_REVIEW)
        self.trigger_event(ReviewStarted, reviewer_id=reviewer_id, at=at)

    def uphold(
        self,
        severity: Severity,
        *,
        decided_by: UUID,
        at: datetime,
        suspended_until: datetime | None = None,
        reason: str | None = None,
    ) -> None:
        """Uphold the report; a suspension needs its end, after the decision; no other does."""
        self._check(IncidentMove.UPHOLD)
        if severity is Severity.SUSPENSION:
            if suspended_until is None:
                raise InvalidField("suspended_until", "is required for a SUSPENSION")
            if suspended_until <= at:
                raise InvalidField("suspended_until", "must be after the decision")
        elif suspended_until is not None:
            raise InvalidField(
                "suspended_until", f"applies to a SUSPENSION only, not a {severity.name}"
            )
        self.trigger_event(
            Upheld,
            member_id=self.member_id,
            severity=severity.value,
            reason=reason,
            suspended_until=suspended_until,
            decided_by=decided_by,
            at=at,
        )

    def decide(
        self,
        *,
        uphold: bool,
        severity: Severity | None,
        suspended_until: datetime | None,
        reason: str | None,
        decided_by: UUID,
        at: datetime,
    ) -> None:
        """Uphold with a severity, or dismiss with a reason (and nothing of an uphold)."""
        if uphold:
            if severity is None:
                raise InvalidField("severity", "is required to uphold an incident")
            self.uphold(
                severity,
                decided_by=decided_by,
                at=at,
                suspended_until=suspended_until,
                reason=reason,
            )
            return
        if severity is not None or suspended_until is not None:
            field = "severity" if severity is not None else "suspended_until"
            raise InvalidField(field, "a dismissal has no severity nor suspension")
        if reason is None:
            raise InvalidField("reason", "is required to dismiss an incident")
        self.dismiss(reason=reason, decided_by=decided_by, at=at)

    def dismiss(self, *, reason: str, decided_by: UUID, at: datetime) -> None:
        """Dismiss the report, saying why."""
        self._check(IncidentMove.DISMISS)
        self.trigger_event(
            Dismissed, member_id=self.member_id, reason=reason, decided_by=decided_by, at=at
        )

    def appeal(self, *, reason: str, at: datetime, recorded_by: UUID | None = None) -> None:
        """Appeal the decision, once; the decision stays in force until the appeal is decided."""
        self._check(IncidentMove.APPEAL)
        if self.appealed:
            raise IncidentAlreadyAppealed(self.id)
        self.trigger_event(
            Appealed, member_id=self.member_id, reason=reason, recorded_by=recorded_by, at=at
        )

    def decide_appeal(
        self, outcome: AppealOutcome, *, decided_by: UUID, at: datetime, reason: str | None = None
    ) -> None:
        """Confirm the decision appealed, or overturn it (see moves.APPEAL_OUTCOMES)."""
        if outcome is AppealOutcome.OVERTURNED:
            self._check(IncidentMove.OVERTURN_ON_APPEAL)
        else:
            self._check(IncidentMove.CONFIRM_ON_APPEAL)
        self.trigger_event(
            AppealDecided,
            member_id=self.member_id,
            outcome=outcome.value,
            reason=reason,
            decided_by=decided_by,
            at=at,
        )

    def _check(self, move: IncidentMove) -> None:
        """IllegalIncidentMove unless the process allows `move` from the current status."""
        after_move(self.status, move, self.decision)


__all__ = ["ConductEvent", "IllegalIncidentMove", "Incident", "IncidentAlreadyAppealed"]
