"""Outgoing webhooks: subscriptions to public event types, and how deliveries are signed.

What other contexts may use of it is exported here.
"""

from domain.webhooks.addresses import refusal
from domain.webhooks.catalog import PUBLIC_EVENT_TYPES, PublicEventType, default_event_types
from domain.webhooks.errors import (
    AddressRefused,
    HostNotResolved,
    WebhookSubscriptionDeleted,
    WebhookSubscriptionNotFound,
)
from domain.webhooks.events import SUBSCRIPTION_EVENTS
from domain.webhooks.subscription import SubscriptionStatus, WebhookSubscription

__all__ = [
    "PUBLIC_EVENT_TYPES",
    "SUBSCRIPTION_EVENTS",
    "AddressRefused",
    "HostNotResolved",
    "PublicEventType",
    "SubscriptionStatus",
    "WebhookSubscription",
    "WebhookSubscriptionDeleted",
    "WebhookSubscriptionNotFound",
    "default_event_types",
    "refusal",
]
