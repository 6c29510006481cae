"""The welcome queue over GraphQL: newcomersToWelcome and timeToWelcome (admin, manager)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_field, bad_input, forbidden_query
from api.graphql.members import Channel, Member
from api.graphql.outreach.outreach import From, To
from api.graphql.relay import DEFAULT_FIRST, After, Connection, Edge, First, check_first, relay_type
from api.services import in_thread
from domain.errors import InvalidField
from domain.outreach.welcome import WelcomePeriod
from projections.cursors import InvalidCursor, Row


@strawberry.type(description="A newcomer nobody has welcomed yet.")
class Newcomer:
    member_id: strawberry.ID = strawberry.field(description="The newcomer.")
    showed_up_at: datetime = strawberry.field(
        description="When they became a newcomer: the later of joining and first interacting."
    )
    joined_at: datetime | None = strawberry.field(description="When they joined.")
    first_interaction_at: datetime | None = strawberry.field(
        description="Their first interaction; null when they have said nothing yet."
    )
    channel: Channel | None = strawberry.field(
        description="Where they showed up: their first interaction's channel, else the one "
        "they joined on."
    )
    thread_ref: str | None = strawberry.field(
        description="The thread of their first message (personal data roles only)."
    )
    first_said: str | None = strawberry.field(
        description="What they said first: their first interaction's summary (personal data "
        "roles only; null when none, or once erased)."
    )

    @strawberry.field(description="The newcomer, with your role's masking as everywhere.")
    async def member(self, info: Info) -> Member | None:
        return await info.context.member_fields.member(info, str(self.member_id))


@relay_type(
    "A newcomer with their cursor in the queue.",
    node="The newcomer.",
    cursor="Opaque position of this newcomer in the queue.",
)
class NewcomerEdge(Edge[Newcomer]):
    """An edge of the welcome queue."""


@relay_type(
    "A page of the welcome queue, oldest first (keyset pagination).",
    edges="Newcomers with their cursors.",
)
class NewcomerConnection(Connection[NewcomerEdge]):
    """A page of the welcome queue."""


@strawberry.enum(description="The periods time to welcome is counted in (UTC).")
class WelcomeGranularity(Enum):
    WEEK = strawberry.enum_value("week", description="Weeks from Monday.")
    MONTH = strawberry.enum_value("month", description="Calendar months.")


@strawberry.type(
    description="How long the newcomers who showed up in one week or month waited for a welcome."
)
class WelcomeTimes:
    start: date = strawberry.field(
        description="The period's first day (UTC): a Monday for weeks, the 1st for months."
    )
    newcomers: int = strawberry.field(description="Newcomers who showed up in the period.")
    welcomed: int = strawberry.field(description="Of them, welcomed so far.")
    waiting: int = strawberry.field(description="Of them, not welcomed yet.")
    median_hours: float | None = strawberry.field(
        description="Median hours from showing up to the welcome, over the welcomed "
        "(zero when the welcome came first); null when none was welcomed."
    )
    p90_hours: float | None = strawberry.field(
        description="90th percentile of those hours; null when none was welcomed."
    )


def _check_role(info: Info) -> None:
    if not info.context.principal.can_manage_outreach:
        raise forbidden_query("your role may not read the welcome queue (admin, manager only)")


def newcomer_of(row: Row, reveal: bool) -> Newcomer:
    """The GraphQL newcomer of a queue row."""
    return Newcomer(
        member_id=strawberry.ID(str(row["member_id"])),
        showed_up_at=row["showed_up_at"],
        joined_at=row["joined_at"],
        first_interaction_at=row["first_interaction_at"],
        channel=Channel(row["channel"]) if row["channel"] else None,
        thread_ref=row["first_thread_ref"] if reveal else None,
        first_said=row["first_said"] if reveal else None,
    )


def _hours(seconds: Any) -> float | None:
    return None if seconds is None else round(float(seconds) / 3600, 2)


@strawberry.type
class WelcomeQuery:
    """Queries of the welcome queue (admin and manager only)."""

    @strawberry.field(
        description="Members who joined or first interacted in the last "
        "CRM_OUTREACH_WELCOME_DAYS days with no WELCOME outreach and no staff reply in the "
        "thread of their first message yet, oldest first, with where they showed up and "
        "what they said first (personal data roles only). Admin and manager only."
    )
    async def newcomers_to_welcome(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        channel: Annotated[
            Channel | None,
            strawberry.argument(description="Only those who showed up on this channel."),
        ] = None,
    ) -> NewcomerConnection:
        _check_role(info)
        services = info.context.services
        check_first(first, services.settings.max_page_size)
        reveal = info.context.principal.can_read_personal_data
        scope = Channel(channel).value if channel is not None else None
        try:
            page = await in_thread(services.use_cases.welcome.queue, scope, first, after, reveal)
        except InvalidCursor as error:
            raise bad_input(f"after: {error}") from None
        return NewcomerConnection.of(page, after, [newcomer_of(r, reveal) for r in page.rows])

    @strawberry.field(
        description="Time to welcome per week (or month) of showing up in [from, to), the "
        "first period whole: newcomers, welcomed, waiting, median and p90 hours; of those who "
        "showed up on `channel`, or on any. Admin and manager only."
    )
    async def time_to_welcome(
        self,
        info: Info,
        from_: From,
        to: To,
        granularity: Annotated[
            WelcomeGranularity,
            strawberry.argument(description="Weeks (the default) or months."),
        ] = WelcomeGranularity.WEEK,
        channel: Annotated[
            Channel | None,
            strawberry.argument(description="Only newcomers who showed up on this channel."),
        ] = None,
    ) -> list[WelcomeTimes]:
        _check_role(info)
        welcome = info.context.services.use_cases.welcome
        scope = Channel(channel).value if channel is not None else None
        period = WelcomePeriod[granularity.name]
        try:
            rows = await in_thread(welcome.periods, from_, to, period, scope)
        except InvalidField as error:
            raise bad_field(error) from None
        return [
            WelcomeTimes(
                start=r["start"],
                newcomers=r["newcomers"],
                welcomed=r["welcomed"],
                waiting=r["newcomers"] - r["welcomed"],
                median_hours=_hours(r["median_seconds"]),
                p90_hours=_hours(r["p90_seconds"]),
            )
            for r in rows
        ]
