"""activitySpikes (every role) and annotateActivitySpike (the community manager's roles)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

import strawberry

from api.auth import MANAGE_PROGRAM
from api.graphql.commands import attempt
from api.graphql.context import Info
from api.graphql.errors import bad_field, domain_error, forbidden
from api.graphql.health import spike_types as t
from api.graphql.members import Channel
from api.services import in_thread
from application.health.spikes import ExplainedSpike, SpikeAnnotated
from domain.errors import InvalidField
from domain.health.annotations import AnnotateSpike
from domain.values import Channel as DomainChannel
from projections.health.annotations import HealthAnnotationsProjection


@strawberry.input(description="A manager's own cause for a day's activity.")
class AnnotateActivitySpikeInput:
    day: date = strawberry.field(description="The spike's day (UTC; its period start).")
    channel: Channel | None = strawberry.field(
        default=None, description="The spike's channel; omit for all channels."
    )
    cause: str = strawberry.field(
        description="What caused it (1-500 characters; line breaks kept, no other control "
        "or direction-control characters)."
    )
    by: strawberry.ID | None = strawberry.field(
        default=None,
        description="The staff member annotating, if named. Your API key is recorded in any case.",
    )


@strawberry.type
class SpikeQuery:
    """Activity spikes with their likely causes."""

    @strawberry.field(
        description="Days in [from, to) whose interactions (staff and bots left out) stood "
        "out above the median of the trailing window by more than k scaled MADs (configured "
        "by CRM_HEALTH_SPIKE_*), oldest first, each with its likely causes and annotations. "
        "At most 1098 days. With asOf, the spikes as they were known at the end of that "
        "UTC day: interactions recorded later neither make nor explain one."
    )
    async def activity_spikes(
        self,
        info: Info,
        from_: Annotated[
            date, strawberry.argument(name="from", description="The first day (UTC).")
        ],
        to: Annotated[date, strawberry.argument(description="The day after the last (UTC).")],
        channel: Annotated[
            Channel | None, strawberry.argument(description="One channel; omit for all.")
        ] = None,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="Spikes as known at the end of this UTC day: interactions"
                " recorded later do not count. Null: as known now."
            ),
        ] = None,
    ) -> list[t.ActivitySpike]:
        spikes = info.context.services.use_cases.spikes
        wanted = DomainChannel(channel).value if channel else ""
        try:
            found: list[ExplainedSpike] = await in_thread(spikes.spikes, from_, to, wanted, as_of)
        except InvalidField as error:
            raise bad_field(error) from None
        return [t.spike_of(s) for s in found]


@strawberry.type
class SpikeMutation:
    """Annotating activity spikes."""

    @strawberry.mutation(
        description="Record a manager's own cause for a day's activity (recorded as an "
        "event); it shows on the spike of that day and channel."
    )
    async def annotate_activity_spike(
        self, info: Info, input: AnnotateActivitySpikeInput
    ) -> t.AnnotateActivitySpikeResult:
        principal = info.context.principal
        if not principal.can_manage_program:
            return forbidden("annotate activity spikes", MANAGE_PROGRAM)
        spikes = info.context.services.use_cases.spikes

        def build() -> AnnotateSpike:
            return AnnotateSpike(
                day=input.day,
                channel=DomainChannel(input.channel) if input.channel else None,
                cause=input.cause,
                by=input.by,
                recorded_with=principal.key_id,
            )

        outcome = await attempt(build, spikes.annotate, refused=domain_error)
        if not isinstance(outcome, SpikeAnnotated):
            return outcome
        # Read-your-writes: the spike shows it once this returns.
        services, annotation = info.context.services, outcome.annotation
        await in_thread(services.wait_for, HealthAnnotationsProjection.name, outcome.position)
        notes = await in_thread(partial(spikes.annotations, annotation.day, annotation.channel))
        stored = next((n for n in notes if n.annotation_id == annotation.id), None)
        return t.ActivitySpikeAnnotated(annotation=t.annotation_of(stored) if stored else None)
