"""GraphQL inputs of the webhook mutations; validation happens in the domain commands."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from api.graphql.members import Channel

_SUBSCRIPTION = "The subscription."


@strawberry.enum(description="Whose view of personal data a receiver's payloads follow.")
class WebhookRole(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    PRODUCT = "product"
    MARKETING = "marketing"
    VIEWER = "viewer"


@strawberry.input(
    description="Narrows a subscription. Each part narrows only the events that carry its "
    "fact: a channel filter lets feedback status changes through (they happen on no "
    "channel), a member filter lets exports through."
)
class WebhookFilterInput:
    member_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Only events about these members (at most 100)."
    )
    channels: list[Channel] = strawberry.field(
        default_factory=list, description="Only events on these channels."
    )


@strawberry.input(description="A receiver URL subscribed to public event types.")
class CreateWebhookSubscriptionInput:
    url: str = strawberry.field(
        description="Where to POST: http(s), no credentials; its host must resolve to "
        "public addresses (unless CRM_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES)."
    )
    event_types: list[str] = strawberry.field(
        default_factory=list,
        description="Public event types, e.g. member.joined (README, Webhooks); none: every "
        "type but the opt-in interaction.recorded.",
    )
    filter: WebhookFilterInput | None = strawberry.field(
        default=None, description="Only some members' or channels' events."
    )
    secret: str | None = strawberry.field(
        default=None,
        description="The signing secret (16-200 printable ASCII characters); generated if "
        "absent. Shown once, in the answer, never again.",
    )
    role: WebhookRole = strawberry.field(
        default=WebhookRole.VIEWER,
        description="Payloads carry personal data only for ADMIN and MANAGER.",
    )


@strawberry.input(description="One webhook subscription.")
class WebhookSubscriptionInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION)


@strawberry.input(description="Send a subscription's deliveries again from a position on.")
class ReplayWebhookDeliveriesInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION)
    from_position: str = strawberry.field(
        description="A position of the log (a delivery's `position`, a mutation's "
        "`position`): every delivery of the subscription at or after it is sent again."
    )
