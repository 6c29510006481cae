"""The WebhookSubscription aggregate: a receiver URL, what it wants, paused or deleted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Aggregate

from domain.webhooks.errors import WebhookSubscriptionDeleted
from domain.webhooks.events import (
    SubscriptionCreated,
    SubscriptionDeleted,
    SubscriptionPaused,
    SubscriptionResumed,
)


class SubscriptionStatus(StrEnum):
    """Where a subscription stands; stored by value in the read model."""

    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"


class WebhookSubscription(Aggregate):
    """One receiver of webhooks, as an admin set it up."""

    TOPIC = "crm.webhooks.WebhookSubscription"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.webhooks.Created"

    @classmethod
    def create(
        cls,
        *,
        url: str,
        event_types: list[str],
        filter: dict[str, Any],
        role: str,
        secret: str,
        created_by: str,
        at: datetime,
    ) -> WebhookSubscription:
        """A new, active subscription (the command checked every field)."""
        return cls._create(
            SubscriptionCreated,
            url=url,
            event_types=list(event_types),
            filter=dict(filter),
            role=role,
            secret=secret,
            created_by=created_by,
            at=at,
        )

    def __init__(
        self,
        *,
        url: str,
        event_types: list[str],
        filter: dict[str, Any],
        role: str,
        secret: str | None,
        created_by: str,
        at: datetime,
    ) -> None:
        self.url = url
        self.event_types = list(event_types)
        self.filter = dict(filter)
        self.role = role
        # None once the subscription's key is gone: it can sign nothing any more.
        self.secret = secret
        self.created_by = created_by
        self.created_at = at
        self.paused = False
        self.deleted = False

    @property
    def status(self) -> SubscriptionStatus:
        """Active, paused or deleted."""
        if self.deleted:
            return SubscriptionStatus.DELETED
        return SubscriptionStatus.PAUSED if self.paused else SubscriptionStatus.ACTIVE

    def pause(self, *, at: datetime) -> bool:
        """Stop deliveries; False (nothing recorded) when already paused."""
        self._open()
        if self.paused:
            return False
        self.trigger_event(SubscriptionPaused, at=at)
        return True

    def resume(self, *, at: datetime) -> bool:
        """Deliver again, what was kept first; False (nothing recorded) when not paused."""
        self._open()
        if not self.paused:
            return False
        self.trigger_event(SubscriptionResumed, at=at)
        return True

    def delete(self, *, at: datetime) -> bool:
        """Close the subscription; False (nothing recorded) when already deleted."""
        if self.deleted:
            return False
        self.trigger_event(SubscriptionDeleted, at=at)
        return True

    def check_open(self) -> None:
        """WebhookSubscriptionDeleted once deleted (a replay needs an open subscription)."""
        self._open()

    def _open(self) -> None:
        if self.deleted:
            raise WebhookSubscriptionDeleted(self.id)
