"""What happens to a webhook subscription, in the past tense: the subscription's events.

The secret signs every delivery: it is sealed in the log under a key of the subscription's
own (as personal data is under a member's), and no read model holds it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate

from domain.pinned import PinnedTopic

if TYPE_CHECKING:
    from domain.webhooks.subscription import WebhookSubscription


class SubscriptionEvent(PinnedTopic, Aggregate.Event):
    """Base of a webhook subscription's events: each pins its topic."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()


class SubscriptionCreated(SubscriptionEvent, Aggregate.Created):
    """An admin subscribed a receiver URL to some public event types."""

    TOPIC = "crm.webhooks.SubscriptionCreated"
    PERSONAL_FIELDS = ("secret",)
    url: str
    event_types: list[str]
    filter: dict[str, Any]
    role: str
    secret: str
    created_by: str
    at: datetime


class SubscriptionPaused(SubscriptionEvent):
    """Deliveries stop until resumed; what happens meanwhile is kept for then."""

    TOPIC = "crm.webhooks.SubscriptionPaused"
    at: datetime

    def apply(self, aggregate: WebhookSubscription) -> None:
        aggregate.paused = True


class SubscriptionResumed(SubscriptionEvent):
    """Deliveries go on, starting with what was kept while paused."""

    TOPIC = "crm.webhooks.SubscriptionResumed"
    at: datetime

    def apply(self, aggregate: WebhookSubscription) -> None:
        aggregate.paused = False


class SubscriptionDeleted(SubscriptionEvent):
    """The subscription is gone: nothing more is recorded or sent for it."""

    TOPIC = "crm.webhooks.SubscriptionDeleted"
    at: datetime

    def apply(self, aggregate: WebhookSubscription) -> None:
        aggregate.deleted = True


SUBSCRIPTION_EVENTS: tuple[type[SubscriptionEvent], ...] = (
    SubscriptionCreated,
    SubscriptionPaused,
    SubscriptionResumed,
    SubscriptionDeleted,
)
