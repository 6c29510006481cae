"""Webhook subscription commands: what an admin asks, checked before the domain sees it."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import AfterValidator, Field

from domain.commands import Command
from domain.values import Channel
from domain.webhooks.catalog import PUBLIC_EVENT_TYPES, default_event_types

MAX_URL = 2000
MIN_SECRET = 16
MAX_SECRET = 200
MAX_FILTER_MEMBERS = 100
# The roles of api.auth.Role: whose view of personal data a receiver's payloads follow.
RECEIVER_ROLES = ("admin", "manager", "product", "marketing", "viewer")


def check_url(value: str) -> str:
    """An absolute http(s) URL with a host, no credentials, within MAX_URL characters."""
    if len(value) > MAX_URL:
        raise ValueError(f"must be at most {MAX_URL} characters")
    if any(ord(char) < 33 or ord(char) == 127 for char in value):
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a port out of range)
    except ValueError as error:
        raise ValueError(f"is not a URL: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("must start with https:// (or http://)")
    if not parts.hostname:
        raise ValueError("must name a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not carry credentials: sign with the secret instead")
    if parts.fragment:
        raise ValueError("must not have a #fragment")
    return value


def check_event_types(value: list[str]) -> list[str]:
    """Known public event types, each once; none given means every type but the opt-in ones."""
    unknown = [name for name in value if name not in PUBLIC_EVENT_TYPES]
    if unknown:
        known = ", ".join(PUBLIC_EVENT_TYPES)
        raise ValueError(f"unknown event types {unknown}; known: {known}")
    return list(dict.fromkeys(value)) or default_event_types()


def check_secret(value: str | None) -> str | None:
    """A secret of printable ASCII, long enough not to be guessed (None: one is generated)."""
    if value is None:
        return None
    if not MIN_SECRET <= len(value) <= MAX_SECRET:
        raise ValueError(f"must be {MIN_SECRET} to {MAX_SECRET} characters")
    if not all(33 <= ord(char) < 127 for char in value):
        raise ValueError("must be printable ASCII without spaces")
    return value


def check_role(value: str) -> str:
    """One of the API's roles."""
    if value not in RECEIVER_ROLES:
        raise ValueError(f"must be one of {', '.join(RECEIVER_ROLES)}")
    return value


class WebhookFilter(Command):
    """Narrows a subscription: events about these members, events on these channels.

    Each part narrows only the events that carry its fact: a channel filter lets through
    feedback status changes (which happen on no channel) but not a join on another channel.
    """

    member_ids: Annotated[list[UUID], Field(max_length=MAX_FILTER_MEMBERS)] = []
    channels: Annotated[list[Channel], Field(max_length=len(Channel))] = []


class CreateWebhookSubscription(Command):
    """Subscribe a receiver URL to public event types, seen as `role` sees members."""

    url: Annotated[str, AfterValidator(check_url)]
    event_types: Annotated[
        list[str], Field(max_length=50, validate_default=True), AfterValidator(check_event_types)
    ] = []
    filter: WebhookFilter = WebhookFilter()
    secret: Annotated[str | None, AfterValidator(check_secret)] = None
    role: Annotated[str, AfterValidator(check_role)] = "viewer"
    created_by: str = "admin"


class SubscriptionCommand(Command):
    """A command addressed to one existing subscription."""

    subscription_id: UUID


class ReplayWebhookDeliveries(SubscriptionCommand):
    """Send again the subscription's deliveries from a position of the log onwards."""

    from_position: int = Field(ge=0, le=2**63 - 1)
