"""GraphQL types of community events: the event with its figures, attendees, and enums.

strawberry.enum registers the domain's enums themselves: other modules use them as types.
Every role reads events and their figures; attendees are members, masked as members are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.loaders import request_loader
from api.graphql.members import Channel, Member, load_members
from api.graphql.relay import check_first
from api.services import in_thread
from domain.events import EventKind, EventStatus
from domain.events.figures import event_figures
from projections.cursors import Row
from projections.events.projection import CommunityEventsProjection
from projections.events.queries import attendance_counts

MAX_ATTENDEES = 500

strawberry.enum(
    EventKind,
    name="CommunityEventKind",
    description="What sort of gathering: MEETUP, WEBINAR, CONFERENCE_TALK, HACKATHON or "
    "ONLINE_AMA.",
)
strawberry.enum(
    EventStatus,
    name="CommunityEventStatus",
    description="SCHEDULED (held once someone checked in), or CANCELLED.",
)


@strawberry.type(
    description="What the event's attendance says, hosts left out. Null where it is too early "
    "to say."
)
class CommunityEventFigures:
    registered: int = strawberry.field(
        description="Members registered (walk-ins too: checking in registers)."
    )
    attended: int = strawberry.field(description="Members who checked in.")
    no_show_rate: float | None = strawberry.field(
        description="Registered who did not come / registered, 0 to 1; null until the event "
        "ended, or with nobody registered."
    )
    first_timers: int = strawberry.field(
        description="Members who came, whose first attended event this is."
    )
    newcomers: int = strawberry.field(
        description="Members who came whose first interaction ever was at most 4 weeks before "
        "the start (the event itself may be it)."
    )
    retained_newcomers: int | None = strawberry.field(
        description="Of those newcomers, how many interacted between 4 and 8 weeks after the "
        "start; null until 8 weeks have passed."
    )


@strawberry.type(description="A member registered for the event, and whether they came.")
class CommunityEventAttendee:
    member_id: strawberry.ID = strawberry.field(description="The member.")
    registered_at: datetime = strawberry.field(description="When they registered.")
    checked_in_at: datetime | None = strawberry.field(
        description="When they checked in; null while registered only."
    )
    host: bool = strawberry.field(description="They host the event (left out of the figures).")

    @strawberry.field(
        description="The member, with personal data hidden for roles that may not read it; "
        "null if the member is not in the read model yet."
    )
    async def member(self, info: Info) -> Member | None:
        loader = request_loader(info, "events.members", _load_members)
        found: Member | None = await loader.load(UUID(self.member_id))
        return found


@strawberry.type(description="A meetup, webinar, conference talk, hackathon or online AMA.")
class CommunityEvent:
    id: strawberry.ID = strawberry.field(description="Stable event id (a UUID).")
    title: str = strawberry.field(description="What it is called.")
    kind: EventKind = strawberry.field(description="What sort of gathering.")
    status: EventStatus = strawberry.field(description="SCHEDULED or CANCELLED.")
    starts_at: datetime = strawberry.field(description="When it starts.")
    ends_at: datetime = strawberry.field(description="When it ends.")
    channel: Channel | None = strawberry.field(
        description="Where it is held online (or organised), if it is."
    )
    place: str | None = strawberry.field(description="Where it is held, if somewhere.")
    host_ids: list[strawberry.ID] = strawberry.field(
        description="Its hosts: members named when scheduled, or who checked in as hosts."
    )
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled.")
    cancelled_at: datetime | None = strawberry.field(description="When it was cancelled.")
    figures: CommunityEventFigures = strawberry.field(description="Turnout and what came of it.")
    version: int = strawberry.field(
        description="Number of changes so far; pass as expectedVersion to act safely."
    )

    @strawberry.field(
        description="Who registered: those who came first, then by registration time."
    )
    async def attendees(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="At most this many (1-500).")] = 100,
    ) -> list[CommunityEventAttendee]:
        check_first(first, MAX_ATTENDEES)
        rows = await in_thread(info.context.services.events.attendees, UUID(self.id), first)
        return [attendee_from_row(row) for row in rows]


@strawberry.type(description="One of a member's events, and what they did there.")
class EventParticipation:
    event: CommunityEvent = strawberry.field(description="The event.")
    registered_at: datetime = strawberry.field(description="When they registered.")
    checked_in_at: datetime | None = strawberry.field(
        description="When they checked in; null if they did not (yet)."
    )
    host: bool = strawberry.field(description="They hosted it.")


def attendee_from_row(row: Row) -> CommunityEventAttendee:
    """An attendee of a read-model row."""
    return CommunityEventAttendee(
        member_id=_id(row["member_id"]),
        registered_at=row["registered_at"],
        checked_in_at=row["checked_in_at"],
        host=row["host"],
    )


def event_from_row(row: Row, now: datetime) -> CommunityEvent:
    """The GraphQL event of a read-model row with its counts, its figures as of `now`."""
    figures = event_figures(
        attendance_counts(row), starts_at=row["starts_at"], ends_at=row["ends_at"], now=now
    )
    return CommunityEvent(
        id=_id(row["event_id"]),
        title=row["title"],
        kind=EventKind(row["kind"]),
        status=EventStatus(row["status"]),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        channel=Channel(row["channel"]) if row["channel"] else None,
        place=row["place"],
        host_ids=[_id(host) for host in row["host_ids"]],
        cancel_reason=row["cancel_reason"],
        cancelled_at=row["cancelled_at"],
        figures=CommunityEventFigures(
            registered=figures.registered,
            attended=figures.attended,
            no_show_rate=figures.no_show_rate,
            first_timers=figures.first_timers,
            newcomers=figures.newcomers,
            retained_newcomers=figures.retained_newcomers,
        ),
        version=row["version"],
    )


def now(info: Info) -> datetime:
    """Now as the community's clock says: what decides which figures are known."""
    return info.context.services.community.clock()


async def load_events(info: Info, event_ids: list[UUID]) -> dict[UUID, CommunityEvent]:
    """These events as the read model holds them; unknown ids absent."""
    rows = await in_thread(info.context.services.events.by_ids, event_ids)
    moment = now(info)
    return {event_id: event_from_row(row, moment) for event_id, row in rows.items()}


async def load_event(info: Info, event_id: UUID, position: int | None) -> CommunityEvent | None:
    """The event once the read model holds `position` (read-your-writes); None if it lags."""
    services = info.context.services
    if not await in_thread(services.wait_for, CommunityEventsProjection.name, position):
        return None
    return (await load_events(info, [event_id])).get(event_id)


async def _load_members(context: Any, ids: list[UUID]) -> list[Member | None]:
    reveal = context.principal.can_read_personal_data
    members = await in_thread(load_members, context.services, ids, reveal)
    found = {UUID(m.id): m for m in members}
    return [found.get(member_id) for member_id in ids]


def _id(value: Any) -> strawberry.ID:
    return strawberry.ID(str(value))
