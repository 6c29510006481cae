"""GraphQL inputs of the community event mutations; validation happens in the domain commands."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.members import Channel
from domain.events import EventKind

_EVENT = "The event."
_VERSION = "Refuse with a VERSION_MISMATCH conflict if the event is not at this version."


@strawberry.input(
    description="A new community event: what, when (it ends after it starts, within 14 days), "
    "where (a channel, a place, or both) and who hosts it."
)
class ScheduleCommunityEventInput:
    title: str = strawberry.field(description="What it is called (1-200 characters).")
    kind: EventKind = strawberry.field(description="What sort of gathering.")
    starts_at: datetime = strawberry.field(
        description="When it starts (with a timezone), at most 3 years ahead."
    )
    ends_at: datetime = strawberry.field(description="When it ends: after startsAt.")
    channel: Channel | None = strawberry.field(
        default=None, description="Where it is held online (or organised, e.g. MEETUP)."
    )
    place: str | None = strawberry.field(
        default=None, description="Where it is held (a venue, an address), 1-300 characters."
    )
    host_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Its hosts (members, at most 20)."
    )


@strawberry.input(description="New times for an event nobody checked in to yet.")
class RescheduleCommunityEventInput:
    event_id: strawberry.ID = strawberry.field(description=_EVENT)
    starts_at: datetime = strawberry.field(description="When it starts now.")
    ends_at: datetime = strawberry.field(description="When it ends now: after startsAt.")
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)


@strawberry.input(description="A member registering for an event (twice is once).")
class RegisterForEventInput:
    event_id: strawberry.ID = strawberry.field(description=_EVENT)
    member_id: strawberry.ID = strawberry.field(description="The member.")
    registered_at: datetime | None = strawberry.field(
        default=None, description="When they registered, for ones recorded late; now if absent."
    )


@strawberry.input(
    description="A member who came to an event (twice is once); registers them too if they "
    "had not. Refused more than an hour before the start, and for a cancelled event."
)
class CheckInToEventInput:
    event_id: strawberry.ID = strawberry.field(description=_EVENT)
    member_id: strawberry.ID = strawberry.field(description="The member.")
    checked_in_at: datetime | None = strawberry.field(
        default=None,
        description="When they arrived; if absent, now while the event is on, or its start "
        "once it ended (recorded afterwards).",
    )


@strawberry.input(description="Call off an event nobody checked in to, saying why.")
class CancelCommunityEventInput:
    event_id: strawberry.ID = strawberry.field(description=_EVENT)
    reason: str = strawberry.field(description="Why (1-1000 characters).")
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
