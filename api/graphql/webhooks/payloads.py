"""Success types and named result unions of the webhook mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.graphql.webhooks.types import WebhookSubscription


def _result(name: str) -> Any:
    """A named result union; clients switch on __typename."""
    return strawberry.union(
        name, description="The success type, or the typed error that explains the refusal."
    )


@strawberry.type(description="The subscription is created; keep its secret now.")
class WebhookSubscriptionCreated:
    subscription: WebhookSubscription = strawberry.field(description="The subscription.")
    secret: str = strawberry.field(
        description="The signing secret: shown here once, never again (store it now)."
    )
    position: str = strawberry.field(
        description="Where its creation stands in the log: it gets the events after it."
    )


@strawberry.type
class SubscriptionChanged:
    """Base of the pause, resume and delete answers (not in the schema)."""

    subscription: WebhookSubscription = strawberry.field(description="The subscription after.")
    changed: bool = strawberry.field(description="False when it already was so.")


@strawberry.type(description="No more deliveries until resumed; events keep being collected.")
class WebhookSubscriptionPaused(SubscriptionChanged):
    pass


@strawberry.type(description="Deliveries go on, what was collected while paused first.")
class WebhookSubscriptionResumed(SubscriptionChanged):
    pass


@strawberry.type(description="The subscription is closed; what it had not received is dropped.")
class WebhookSubscriptionDeleted(SubscriptionChanged):
    pass


@strawberry.type(description="The deliveries from the position on will be sent again.")
class WebhookDeliveriesReplayed:
    subscription_id: strawberry.ID = strawberry.field(description="The subscription.")
    from_position: str = strawberry.field(description="The first position replayed.")
    up_to_position: str | None = strawberry.field(
        description="The last delivery replayed (null when there was none)."
    )
    count: int = strawberry.field(description="How many deliveries will be sent again.")


Errors = ValidationFailed | NotFound | Conflict | Forbidden

CreateWebhookSubscriptionResult = Annotated[
    WebhookSubscriptionCreated | Errors, _result("CreateWebhookSubscriptionResult")
]
PauseWebhookSubscriptionResult = Annotated[
    WebhookSubscriptionPaused | Errors, _result("PauseWebhookSubscriptionResult")
]
ResumeWebhookSubscriptionResult = Annotated[
    WebhookSubscriptionResumed | Errors, _result("ResumeWebhookSubscriptionResult")
]
DeleteWebhookSubscriptionResult = Annotated[
    WebhookSubscriptionDeleted | Errors, _result("DeleteWebhookSubscriptionResult")
]
ReplayWebhookDeliveriesResult = Annotated[
    WebhookDeliveriesReplayed | Errors, _result("ReplayWebhookDeliveriesResult")
]
