"""Outgoing webhooks over GraphQL: subscriptions, their deliveries and replays (admin only)."""

from api.graphql.webhooks.mutations import WebhookMutation
from api.graphql.webhooks.queries import WebhookQuery

__all__ = ["WebhookMutation", "WebhookQuery"]
