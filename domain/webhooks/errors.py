"""Typed refusals of webhook subscriptions: each says which rule a command broke."""

from __future__ import annotations

from uuid import UUID

from domain.errors import ConflictError, DomainError, InvalidField


class WebhookSubscriptionNotFound(DomainError):
    """No webhook subscription has this id."""

    code = "WEBHOOK_SUBSCRIPTION_NOT_FOUND"

    def __init__(self, subscription_id: UUID) -> None:
        super().__init__(f"no webhook subscription with id {subscription_id}")
        self.subscription_id = subscription_id


class WebhookSubscriptionDeleted(ConflictError):
    """A deleted subscription is closed: it is neither paused, resumed nor replayed."""

    code = "WEBHOOK_SUBSCRIPTION_DELETED"

    def __init__(self, subscription_id: UUID) -> None:
        super().__init__(f"webhook subscription {subscription_id} was deleted")
        self.subscription_id = subscription_id


class AddressRefused(InvalidField):
    """The receiver's host resolves to an address the server must not send to (SSRF)."""

    field_code = "ADDRESS_REFUSED"

    def __init__(self, reason: str) -> None:
        super().__init__("url", f"refused: {reason}")


class HostNotResolved(InvalidField):
    """The receiver's host has no address: a typing mistake, or DNS not set up yet."""

    field_code = "HOST_NOT_RESOLVED"

    def __init__(self, host: str, reason: str) -> None:
        super().__init__("url", f"the host {host} does not resolve ({reason})")
