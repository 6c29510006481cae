"""GraphQL types of webhooks: subscriptions (never their secret) and deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import strawberry

from api.graphql.relay import Connection, Edge, relay_type
from domain.webhooks import WebhookSubscription as Subscription


@strawberry.enum(description="Where a subscription stands.")
class WebhookSubscriptionStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"


@strawberry.enum(description="Where a delivery stands.")
class WebhookDeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


@strawberry.type(description="What a subscription is narrowed to.")
class WebhookFilter:
    member_ids: list[strawberry.ID] = strawberry.field(description="Only these members.")
    channels: list[str] = strawberry.field(description="Only these channels (lower case).")


@strawberry.type(description="A receiver of webhooks. Its secret is shown only at creation.")
class WebhookSubscription:
    id: strawberry.ID = strawberry.field(description="The subscription's id.")
    url: str = strawberry.field(description="Where deliveries are POSTed.")
    event_types: list[str] = strawberry.field(description="The public event types it gets.")
    filter: WebhookFilter = strawberry.field(description="What it is narrowed to.")
    role: str = strawberry.field(description="Whose view of personal data payloads follow.")
    status: WebhookSubscriptionStatus = strawberry.field(description="Active, paused, deleted.")
    created_at: datetime = strawberry.field(description="When it was created.")
    created_by: str = strawberry.field(description="The API key that created it.")


@strawberry.type(description="One event sent (or to be sent) to one subscription.")
class WebhookDelivery:
    idempotency_key: strawberry.ID = strawberry.field(
        description="The Idempotency-Key header: the same for every attempt and replay."
    )
    position: str = strawberry.field(description="The event's position in the log.")
    event_type: str = strawberry.field(description="The public event type.")
    subject_id: strawberry.ID = strawberry.field(
        description="The member (else the feedback item or export) it is about."
    )
    status: WebhookDeliveryStatus = strawberry.field(description="Where it stands.")
    attempts: int = strawberry.field(description="Attempts so far (since the last replay).")
    next_attempt_at: datetime | None = strawberry.field(
        description="When it is tried next, while pending."
    )
    last_attempt_at: datetime | None = strawberry.field(description="The last attempt.")
    delivered_at: datetime | None = strawberry.field(description="When the receiver took it.")
    last_status_code: int | None = strawberry.field(description="The receiver's last status.")
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    replayed: bool = strawberry.field(description="Sent again by replayWebhookDeliveries.")
    occurred_at: datetime = strawberry.field(description="When the event was recorded.")


@relay_type("A delivery with its cursor.", node="The delivery.")
class WebhookDeliveryEdge(Edge[WebhookDelivery]):
    pass


@relay_type("A page of deliveries, newest first.", edges="Deliveries with their cursors.")
class WebhookDeliveryConnection(Connection[WebhookDeliveryEdge]):
    pass


def subscription_from_row(row: dict[str, Any]) -> WebhookSubscription:
    """A subscription as the projection holds it."""
    return WebhookSubscription(
        id=strawberry.ID(str(row["subscription_id"])),
        url=row["url"],
        event_types=list(row["event_types"]),
        filter=WebhookFilter(
            member_ids=[strawberry.ID(str(m)) for m in row["member_ids"]],
            channels=list(row["channels"]),
        ),
        role=row["role"],
        status=WebhookSubscriptionStatus(row["status"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
    )


def subscription_from_aggregate(found: Subscription) -> WebhookSubscription:
    """A subscription as its events leave it (the answer of a mutation)."""
    return WebhookSubscription(
        id=strawberry.ID(str(found.id)),
        url=found.url,
        event_types=list(found.event_types),
        filter=WebhookFilter(
            member_ids=[strawberry.ID(str(m)) for m in found.filter.get("member_ids", [])],
            channels=[str(c) for c in found.filter.get("channels", [])],
        ),
        role=found.role,
        status=WebhookSubscriptionStatus(found.status.value),
        created_at=found.created_at,
        created_by=found.created_by,
    )


def delivery_from_row(row: dict[str, Any]) -> WebhookDelivery:
    """A delivery as the outbox holds it."""
    pending = row["status"] == "pending"
    return WebhookDelivery(
        idempotency_key=strawberry.ID(str(row["idempotency_key"])),
        position=str(row["notification_id"]),
        event_type=row["event_type"],
        subject_id=strawberry.ID(str(row["subject_id"])),
        status=WebhookDeliveryStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"] if pending else None,
        last_attempt_at=row["last_attempt_at"],
        delivered_at=row["delivered_at"],
        last_status_code=row["last_status"],
        last_error=row["last_error"],
        replayed=row["replayed"],
        occurred_at=row["occurred_at"],
    )
