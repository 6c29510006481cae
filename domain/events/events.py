"""What happens to a community event, in the past tense: the CommunityEvent's events.

Nothing here is personal data: titles and places describe the event, and attendees are
named by member id only (erasing a member leaves the counts, as it does elsewhere).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.pinned import PinnedTopic

if TYPE_CHECKING:
    from domain.events.community_event import CommunityEvent


class CommunityEventChange(PinnedTopic, Aggregate.Event):
    """Base of the community event's events: each pins its topic."""


class Scheduled(CommunityEventChange, Aggregate.Created):
    """A community event was scheduled."""

    TOPIC = "crm.events.Scheduled"
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    channel: str | None
    place: str | None
    host_ids: list[UUID]
    at: datetime


class Rescheduled(CommunityEventChange):
    """The event moved to new times."""

    TOPIC = "crm.events.Rescheduled"
    starts_at: datetime
    ends_at: datetime
    at: datetime

    def apply(self, aggregate: CommunityEvent) -> None:
        aggregate.starts_at = self.starts_at
        aggregate.ends_at = self.ends_at


class Registered(CommunityEventChange):
    """A member registered for the event (or was registered by checking in)."""

    TOPIC = "crm.events.Registered"
    member_id: UUID
    at: datetime

    def apply(self, aggregate: CommunityEvent) -> None:
        aggregate.registrations[self.member_id] = self.at


class CheckedIn(CommunityEventChange):
    """A registered member came; `as_host` when they hosted it rather than attended."""

    TOPIC = "crm.events.CheckedIn"
    member_id: UUID
    at: datetime
    as_host: bool

    def apply(self, aggregate: CommunityEvent) -> None:
        aggregate.check_ins[self.member_id] = self.at
        if self.as_host and self.member_id not in aggregate.host_ids:
            aggregate.host_ids.append(self.member_id)


class Cancelled(CommunityEventChange):
    """The event was called off, saying why."""

    TOPIC = "crm.events.Cancelled"
    reason: str
    at: datetime

    def apply(self, aggregate: CommunityEvent) -> None:
        aggregate.cancelled_at = self.at
        aggregate.cancel_reason = self.reason


COMMUNITY_EVENT_CHANGES: tuple[type[CommunityEventChange], ...] = (
    Scheduled,
    Rescheduled,
    Registered,
    CheckedIn,
    Cancelled,
)
