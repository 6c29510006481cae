"""Community event queries: events in a span with their figures, one event, member.events.

Every role reads them: events and their figures are no one's personal data, and attendees
are members, masked as members are.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_input
from api.graphql.events.types import (
    CommunityEvent,
    EventParticipation,
    event_from_row,
    load_event,
    load_events,
    now,
)
from api.graphql.relay import check_first
from api.services import in_thread

MAX_EVENTS = 200
MAX_SPAN = timedelta(days=5 * 366)


def _span(start: datetime, end: datetime) -> None:
    """BAD_USER_INPUT unless [from, to) is a span of aware times, at most MAX_SPAN long."""
    for name, moment in (("from", start), ("to", end)):
        if moment.utcoffset() is None:
            raise bad_input(f"{name}: must include a timezone offset, e.g. 2026-11-01T00:00:00Z")
    if end <= start:
        raise bad_input("to: must be after from")
    if end - start > MAX_SPAN:
        raise bad_input(f"to: a span is at most {MAX_SPAN.days} days")


async def member_events(info: Info, member_id: UUID, first: int) -> list[EventParticipation]:
    """member.events: the events the member registered for, latest first."""
    check_first(first, MAX_EVENTS)
    rows = await in_thread(info.context.services.events.member_events, member_id, first)
    events = await load_events(info, [row["event_id"] for row in rows])
    return [
        EventParticipation(
            event=events[row["event_id"]],
            registered_at=row["registered_at"],
            checked_in_at=row["checked_in_at"],
            host=row["host"],
        )
        for row in rows
        if row["event_id"] in events
    ]


@strawberry.type
class EventQuery:
    """Queries of community events."""

    @strawberry.field(
        description="Community events starting in [from, to) (at most 5 years), by start, "
        "with their figures: registered, attended, no-show rate, first-timers, and newcomers "
        "who came and were still active 8 weeks later. Every role."
    )
    async def community_events(
        self,
        info: Info,
        from_: Annotated[
            datetime, strawberry.argument(name="from", description="Starting at or after.")
        ],
        to: Annotated[datetime, strawberry.argument(description="Starting before.")],
        first: Annotated[int, strawberry.argument(description="At most this many (1-200).")] = 50,
    ) -> list[CommunityEvent]:
        _span(from_, to)
        check_first(first, MAX_EVENTS)
        rows = await in_thread(info.context.services.events.between, from_, to, first)
        moment = now(info)
        return [event_from_row(row, moment) for row in rows]

    @strawberry.field(
        description="One community event by id, with its figures and attendees; null when "
        "there is none. Every role (attendees masked as members are)."
    )
    async def community_event(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The event's id.")],
    ) -> CommunityEvent | None:
        try:
            event_id = UUID(str(id))
        except ValueError:
            raise bad_input("id: not an event id (a UUID)") from None
        return await load_event(info, event_id, None)
