"""Webhook queries: the subscriptions and each one's deliveries. Admin only."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_input, forbidden_query
from api.graphql.relay import DEFAULT_FIRST, After, First, PageRequest
from api.graphql.webhooks.types import (
    WebhookDeliveryConnection,
    WebhookDeliveryStatus,
    WebhookSubscription,
    delivery_from_row,
    subscription_from_row,
)
from api.services import in_thread


def _admin(info: Info) -> None:
    if not info.context.principal.can_manage_webhooks:
        raise forbidden_query("only admins may read webhook subscriptions and deliveries")


@strawberry.type
class WebhookQuery:
    """Queries of webhooks (admin only)."""

    @strawberry.field(
        description="The webhook subscriptions, oldest first (deleted ones with "
        "includeDeleted). Admin only; secrets are never shown."
    )
    async def webhook_subscriptions(
        self,
        info: Info,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Include deleted subscriptions.")
        ] = False,
    ) -> list[WebhookSubscription]:
        _admin(info)
        webhooks = info.context.services.webhooks
        rows = await in_thread(lambda: webhooks.subscriptions(deleted=include_deleted))
        return [subscription_from_row(row) for row in rows]

    @strawberry.field(
        description="A subscription's deliveries, newest first, of one status if given. Admin only."
    )
    async def webhook_deliveries(
        self,
        info: Info,
        subscription_id: Annotated[
            strawberry.ID, strawberry.argument(description="The subscription.")
        ],
        status: Annotated[
            WebhookDeliveryStatus | None, strawberry.argument(description="Only this status.")
        ] = None,
        first: First = DEFAULT_FIRST,
        after: After = None,
    ) -> WebhookDeliveryConnection:
        _admin(info)
        try:
            sid = UUID(str(subscription_id))
        except ValueError:
            raise bad_input("subscriptionId: not a subscription id (a UUID)") from None
        request = PageRequest.checked(info, first, after)
        webhooks = info.context.services.webhooks
        wanted = status.value if status else None
        page = await request.read(lambda cursor, n: webhooks.deliveries(sid, wanted, cursor, n))
        return WebhookDeliveryConnection.of(page, after, map(delivery_from_row, page.rows))
