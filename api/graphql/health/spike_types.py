"""GraphQL types of activity spikes: the spike, its likely causes and its annotations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from api.graphql.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.graphql.members import Channel
from application.health.spikes import ExplainedSpike
from domain.health import Cause, CauseKind
from domain.health.windows import SpikeNote
from domain.values import Channel as DomainChannel

CauseKindEnum = strawberry.enum(
    CauseKind,
    name="SpikeCauseKind",
    description="Where a likely cause comes from: a CHANNEL or THREAD that carried the excess, "
    "NEWCOMERS from one source, a FEEDBACK item that drew supporters, an EVENT held that day.",
)


@strawberry.type(description="One likely cause of a spike, from the data.")
class SpikeCause:
    kind: CauseKind = strawberry.field(description="Where it comes from.")
    name: str = strawberry.field(
        description="The channel, thread reference, newcomers' source channel, feedback item "
        "id, or event (its thread reference, or its kind and channel)."
    )
    excess: float | None = strawberry.field(
        description="How much it had above its usual level that day (null for an event)."
    )
    share: float | None = strawberry.field(
        description="Its excess as a share of the spike's excess (null for an event)."
    )
    explanation: str = strawberry.field(description="A sentence saying why it is listed.")


@strawberry.type(description="A manager's own cause for a spike.")
class SpikeAnnotation:
    id: strawberry.ID = strawberry.field(description="The annotation.")
    day: date = strawberry.field(description="The day it annotates (UTC).")
    channel: Channel | None = strawberry.field(description="Its channel; null: all channels.")
    cause: str = strawberry.field(description="The cause, as the manager wrote it.")
    by: strawberry.ID | None = strawberry.field(description="The staff member, if named.")
    at: datetime = strawberry.field(description="When it was recorded.")


@strawberry.type(description="A day whose activity stood out from its trailing window.")
class ActivitySpike:
    day: date = strawberry.field(description="The day (UTC): the spike's period.")
    channel: Channel | None = strawberry.field(description="Its channel; null: all channels.")
    activity: float = strawberry.field(description="Interactions that day (staff, bots out).")
    level: float = strawberry.field(description="The usual level: the window's median.")
    band: float = strawberry.field(description="How far above the level still counted usual.")
    excess: float = strawberry.field(description="Activity above the usual level.")
    causes: list[SpikeCause] = strawberry.field(
        description="Likely causes, largest share of the excess first, then events held."
    )
    annotations: list[SpikeAnnotation] = strawberry.field(
        description="Causes managers gave, oldest first."
    )
    rule_version: str = strawberry.field(
        description="The spike rule that found it (CRM_HEALTH_SPIKE_RULE_VERSION)."
    )


@strawberry.type(description="The annotation is recorded.")
class ActivitySpikeAnnotated:
    annotation: SpikeAnnotation | None = strawberry.field(
        description="The annotation as stored (read your write); null only when the read "
        "model lags past the read-your-writes timeout."
    )


AnnotateActivitySpikeResult = Annotated[
    ActivitySpikeAnnotated | ValidationFailed | NotFound | Conflict | Forbidden,
    strawberry.union(
        "AnnotateActivitySpikeResult",
        description="The success type, or the typed error that explains the refusal.",
    ),
]


def _channel(value: str) -> Any:
    return DomainChannel(value) if value else None


def annotation_of(note: SpikeNote) -> SpikeAnnotation:
    """The GraphQL annotation of a stored one."""
    by = strawberry.ID(str(note.by)) if note.by else None
    return SpikeAnnotation(
        id=strawberry.ID(str(note.annotation_id)),
        day=note.day,
        channel=_channel(note.channel),
        cause=note.cause,
        by=by,
        at=note.at,
    )


def spike_of(found: ExplainedSpike) -> ActivitySpike:
    """The GraphQL spike of an explained one."""
    spike = found.spike
    return ActivitySpike(
        day=spike.start,
        channel=_channel(found.channel),
        activity=spike.activity,
        level=spike.level,
        band=spike.band,
        excess=spike.excess,
        causes=[_cause(c) for c in found.causes],
        annotations=[annotation_of(n) for n in found.annotations],
        rule_version=found.rule_version,
    )


def _cause(cause: Cause) -> SpikeCause:
    return SpikeCause(
        kind=cause.kind,
        name=cause.name,
        excess=cause.excess,
        share=cause.share,
        explanation=cause.explanation,
    )
