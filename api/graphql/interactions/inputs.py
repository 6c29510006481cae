"""GraphQL inputs of the engagement context; validation happens in the domain commands."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.interactions.types import InteractionKind
from api.graphql.members import Channel, IdentityInput


@strawberry.input(description="Something a member did; name the member by id or by identity.")
class RecordInteractionInput:
    member_id: strawberry.ID | None = strawberry.field(default=None, description="The member.")
    identity: IdentityInput | None = strawberry.field(
        default=None, description="Or the member's handle on a channel."
    )
    create_member_if_unknown: bool = strawberry.field(
        default=False, description="With `identity`: record a new member for an unknown handle."
    )
    channel: Channel = strawberry.field(description="Where it happened.")
    kind: InteractionKind = strawberry.field(description="What happened.")
    occurred_at: datetime = strawberry.field(
        description="When, with a timezone; past, but not before CRM_EARLIEST_VALID_DATE "
        "(default 1990-01-01)."
    )
    external_id: str = strawberry.field(
        description="Its id on the source platform: recording the same one again changes nothing."
    )
    thread_ref: str | None = strawberry.field(default=None, description="Thread or topic.")
    url: str | None = strawberry.field(default=None, description="http(s) link to it.")
    summary: str | None = strawberry.field(default=None, description="Short text (≤ 2,000).")
