"""What happens to a member's ambassadorship, in the past tense: the Ambassadorship's events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.ambassadors.program import ProgramMove, after_move
from domain.pinned import PinnedTopic

if TYPE_CHECKING:
    from domain.ambassadors.ambassadorship import Ambassadorship


class ProgramEvent(PinnedTopic, Aggregate.Event):
    """Base of program events: each pins its topic, and moves the status by its move."""

    MOVE: ClassVar[ProgramMove]

    def apply(self, aggregate: Ambassadorship) -> None:
        aggregate.status = after_move(aggregate.status, self.MOVE)


class Started(ProgramEvent, Aggregate.Created):
    """The member's ambassadorship record was opened (by their first nomination)."""

    TOPIC = "crm.ambassadors.Started"
    member_id: UUID

    def apply(self, aggregate: Ambassadorship) -> None:
        """Opening the record moves nothing: the nomination that follows does."""


class Nominated(ProgramEvent):
    """Someone put the member forward, with the candidacy factors and rule that showed them."""

    TOPIC = "crm.ambassadors.Nominated"
    MOVE = ProgramMove.NOMINATE
    nominated_by: UUID
    factors: dict[str, float]
    rule_version: str
    at: datetime

    def apply(self, aggregate: Ambassadorship) -> None:
        super().apply(aggregate)
        aggregate.tier = None
        aggregate.term_ends = None


class Approved(ProgramEvent):
    """The nomination was accepted: the member is an ambassador of a tier until the term ends."""

    TOPIC = "crm.ambassadors.Approved"
    MOVE = ProgramMove.APPROVE
    tier: str
    approved_by: UUID
    at: datetime
    term_ends: datetime

    def apply(self, aggregate: Ambassadorship) -> None:
        super().apply(aggregate)
        aggregate.tier = self.tier
        aggregate.term_ends = self.term_ends


class Declined(ProgramEvent):
    """The nomination was turned down, saying why."""

    TOPIC = "crm.ambassadors.Declined"
    MOVE = ProgramMove.DECLINE
    # Why is free text about the member: sealed under their key, shredded on erasure.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("reason",)
    PERSONAL_SUBJECT: ClassVar[str] = "member_id"
    member_id: UUID
    reason: str
    declined_by: UUID


class TierChanged(ProgramEvent):
    """The ambassador moved to another tier."""

    TOPIC = "crm.ambassadors.TierChanged"
    MOVE = ProgramMove.CHANGE_TIER
    tier: str
    changed_by: UUID

    def apply(self, aggregate: Ambassadorship) -> None:
        super().apply(aggregate)
        aggregate.tier = self.tier


class Paused(ProgramEvent):
    """The ambassador stepped back for a while; the term still runs."""

    TOPIC = "crm.ambassadors.Paused"
    MOVE = ProgramMove.PAUSE
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("reason",)
    PERSONAL_SUBJECT: ClassVar[str] = "member_id"
    member_id: UUID
    reason: str | None
    paused_by: UUID


class Resumed(ProgramEvent):
    """The ambassador is back from a pause."""

    TOPIC = "crm.ambassadors.Resumed"
    MOVE = ProgramMove.RESUME
    resumed_by: UUID


class Renewed(ProgramEvent):
    """The term was extended to a new end."""

    TOPIC = "crm.ambassadors.Renewed"
    MOVE = ProgramMove.RENEW
    term_ends: datetime
    renewed_by: UUID

    def apply(self, aggregate: Ambassadorship) -> None:
        super().apply(aggregate)
        aggregate.term_ends = self.term_ends


class Expired(ProgramEvent):
    """The term ended without a renewal."""

    TOPIC = "crm.ambassadors.Expired"
    MOVE = ProgramMove.EXPIRE
    at: datetime


class Retired(ProgramEvent):
    """The ambassador left the program, saying why (naming the incident if conduct ended it)."""

    TOPIC = "crm.ambassadors.Retired"
    MOVE = ProgramMove.RETIRE
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("reason",)
    PERSONAL_SUBJECT: ClassVar[str] = "member_id"
    member_id: UUID
    # None once the member is erased (the sealed reason cannot be opened any more).
    reason: str
    retired_by: UUID | None
    incident_id: UUID | None
