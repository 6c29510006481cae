"""What happens to a conduct incident, in the past tense: the Incident's events.

Free text about the member concerned (the description, evidence url and every reason) is
personal data: sealed under the concerned member's key, so erasing them shreds it too.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.conduct.moves import IncidentMove, IncidentStatus, after_move
from domain.pinned import PinnedTopic

if TYPE_CHECKING:
    from domain.conduct.incident import Incident


class ConductEvent(PinnedTopic, Aggregate.Event):
    """Base of conduct events: each pins its topic, and moves the status by its move."""

    MOVE: ClassVar[IncidentMove]
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()
    # Sealed under the concerned member's key (the events that carry personal fields name them).
    PERSONAL_SUBJECT: ClassVar[str] = "member_id"

    def apply(self, aggregate: Incident) -> None:
        aggregate.status = after_move(aggregate.status, self.MOVE, aggregate.decision)


class Reported(ConductEvent, Aggregate.Created):
    """Someone reported a member's conduct."""

    TOPIC = "crm.conduct.Reported"
    MOVE = IncidentMove.REPORT
    PERSONAL_FIELDS = ("description", "evidence_url")
    member_id: UUID  # the member concerned
    reporter_id: UUID | None  # a member, or None when staff report it anonymously
    channel: str
    description: str
    evidence_url: str | None
    reported_at: datetime

    def apply(self, aggregate: Incident) -> None:
        """The aggregate's __init__ sets the status from the report."""


class ReviewStarted(ConductEvent):
    """Staff started looking into the incident."""

    TOPIC = "crm.conduct.ReviewStarted"
    MOVE = IncidentMove.START_REVIEW
    reviewer_id: UUID
    at: datetime


class Upheld(ConductEvent):
    """The incident was upheld with a severity (a suspension runs until a date)."""

    TOPIC = "crm.conduct.Upheld"
    MOVE = IncidentMove.UPHOLD
    PERSONAL_FIELDS = ("reason",)
    member_id: UUID
    severity: str
    reason: str | None
    suspended_until: datetime | None
    decided_by: UUID
    at: datetime

    def apply(self, aggregate: Incident) -> None:
        super().apply(aggregate)
        aggregate.decision = IncidentStatus.UPHELD
        aggregate.severity = self.severity
        aggregate.suspended_until = self.suspended_until
        aggregate.decided_at = self.at


class Dismissed(ConductEvent):
    """The incident was dismissed, saying why."""

    TOPIC = "crm.conduct.Dismissed"
    MOVE = IncidentMove.DISMISS
    PERSONAL_FIELDS = ("reason",)
    member_id: UUID
    reason: str
    decided_by: UUID
    at: datetime

    def apply(self, aggregate: Incident) -> None:
        super().apply(aggregate)
        aggregate.decision = IncidentStatus.DISMISSED
        aggregate.severity = None
        aggregate.suspended_until = None
        aggregate.decided_at = self.at


class Appealed(ConductEvent):
    """The decision was appealed (by the member concerned or the reporter), saying why."""

    TOPIC = "crm.conduct.Appealed"
    MOVE = IncidentMove.APPEAL
    PERSONAL_FIELDS = ("reason",)
    member_id: UUID
    reason: str
    recorded_by: UUID | None
    at: datetime

    def apply(self, aggregate: Incident) -> None:
        super().apply(aggregate)
        aggregate.appealed = True


class AppealDecided(ConductEvent):
    """The appeal was decided: the decision stands (upheld) or is overturned."""

    TOPIC = "crm.conduct.AppealDecided"
    PERSONAL_FIELDS = ("reason",)
    member_id: UUID
    outcome: str
    reason: str | None
    decided_by: UUID
    at: datetime

    @property
    def move(self) -> IncidentMove:
        """Confirming or overturning, as the outcome says."""
        if self.outcome == "overturned":
            return IncidentMove.OVERTURN_ON_APPEAL
        return IncidentMove.CONFIRM_ON_APPEAL

    def apply(self, aggregate: Incident) -> None:
        aggregate.status = after_move(aggregate.status, self.move, aggregate.decision)
        aggregate.appeal_outcome = self.outcome
        if aggregate.status is not aggregate.decision:
            # Overturned: the decision appealed no longer holds (its severity stays on record).
            aggregate.decision = None


CONDUCT_EVENTS: tuple[type[ConductEvent], ...] = (
    Reported,
    ReviewStarted,
    Upheld,
    Dismissed,
    Appealed,
    AppealDecided,
)
