"""Queries of the health context: communityHealth and cohortRetention (every role)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_field
from api.graphql.health.types import (
    HealthCohort,
    HealthGranularity,
    HealthPeriod,
    cohort_of,
    period_of,
)
from api.graphql.members import Channel
from api.services import in_thread
from domain.errors import InvalidField
from domain.health.periods import Granularity

From = Annotated[
    date, strawberry.argument(name="from", description="The first day of the span (UTC).")
]
To = Annotated[date, strawberry.argument(description="The first day after the span (UTC).")]
Grain = Annotated[HealthGranularity, strawberry.argument(description="The length of each period.")]


@strawberry.type
class HealthQuery:
    """Queries of the health context. Aggregates only, no personal data: every role."""

    @strawberry.field(
        description="The community's numbers in every period the span [from, to) touches,"
        " each with its change from the period before; staff and bots never counted."
    )
    async def community_health(
        self,
        info: Info,
        from_: From,
        to: To,
        granularity: Grain = HealthGranularity.WEEK,
        channel: Annotated[
            Channel | None,
            strawberry.argument(description="One channel's activity; null for all channels."),
        ] = None,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="Numbers as known at the end of this UTC day: interactions"
                " recorded later do not count. Null: as known now."
            ),
        ] = None,
    ) -> list[HealthPeriod]:
        health = info.context.services.use_cases.health
        scope = Channel(channel).value if channel is not None else None
        try:
            found = await in_thread(
                health.kpis, from_, to, Granularity(granularity.value), scope, as_of
            )
        except InvalidField as error:
            raise bad_field(error) from None
        return [period_of(p, health.rule.version) for p in found]

    @strawberry.field(
        description="Cohorts of the members first seen in each period of [from, to), each"
        " with how many were active in every later period of the span."
    )
    async def cohort_retention(
        self, info: Info, from_: From, to: To, granularity: Grain = HealthGranularity.MONTH
    ) -> list[HealthCohort]:
        health = info.context.services.use_cases.health
        try:
            found = await in_thread(health.cohorts, from_, to, Granularity(granularity.value))
        except InvalidField as error:
            raise bad_field(error) from None
        return [cohort_of(c) for c in found]
