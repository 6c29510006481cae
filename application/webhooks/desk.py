"""The webhooks desk: subscriptions created, paused, resumed, deleted, and replays."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.members.community import Community
from application.webhooks.addresses import Resolve, receiver_addresses
from application.webhooks.ports import DeliveryQueue
from domain.webhooks import WebhookSubscription, WebhookSubscriptionNotFound
from domain.webhooks.commands import CreateWebhookSubscription, ReplayWebhookDeliveries

# Two admins pausing and resuming at once: the second acts again on the new state.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class SubscriptionChange:
    """A subscription after a command, where its last event landed, whether it changed,
    and (on creation only) its secret: shown once, never again."""

    subscription: WebhookSubscription
    position: int | None
    changed: bool = True
    secret: str | None = None


@dataclass(frozen=True)
class Replay:
    """Deliveries set to be sent again: how many, from and up to which positions."""

    subscription_id: UUID
    from_position: int
    count: int
    up_to: int | None


class WebhookDesk:
    """Subscription use cases: load, act, save through the Community (the one event store)."""

    def __init__(
        self,
        community: Community,
        queue: DeliveryQueue,
        *,
        allow_private: bool,
        resolve: Resolve | None = None,
    ) -> None:
        self.community = community
        self.queue = queue
        self.allow_private = allow_private
        self.resolve = resolve
        self._secrets: dict[UUID, str | None] = {}
        self._lock = threading.Lock()

    def create(self, command: CreateWebhookSubscription) -> SubscriptionChange:
        """A new subscription, once its URL resolves to addresses it may be sent to."""
        options = {"resolve": self.resolve} if self.resolve else {}
        receiver_addresses(command.url, allow_private=self.allow_private, **options)
        secret = command.secret or "whsec_" + secrets.token_urlsafe(32)
        subscription = WebhookSubscription.create(
            url=command.url,
            event_types=list(command.event_types),
            filter=command.filter.model_dump(mode="json"),
            role=command.role,
            secret=secret,
            created_by=command.created_by,
            at=self.community.clock(),
        )
        change = self._save(subscription)
        return SubscriptionChange(subscription, change.position, secret=secret)

    def pause(self, subscription_id: UUID) -> SubscriptionChange:
        """Stop sending; what happens meanwhile is kept and sent once resumed."""
        return self._change(subscription_id, lambda s: s.pause(at=self.community.clock()))

    def resume(self, subscription_id: UUID) -> SubscriptionChange:
        """Send again, what was kept while paused first."""
        return self._change(subscription_id, lambda s: s.resume(at=self.community.clock()))

    def delete(self, subscription_id: UUID) -> SubscriptionChange:
        """Close the subscription: what it has not received yet is dropped."""
        return self._change(subscription_id, lambda s: s.delete(at=self.community.clock()))

    def replay(self, command: ReplayWebhookDeliveries) -> Replay:
        """Send again the subscription's deliveries from a position of the log on."""
        self.subscription(command.subscription_id).check_open()
        count, up_to = self.queue.replay(command.subscription_id, command.from_position)
        return Replay(command.subscription_id, command.from_position, count, up_to)

    def subscription(self, subscription_id: UUID) -> WebhookSubscription:
        """The subscription's current state; WebhookSubscriptionNotFound if none has the id."""
        try:
            found: Aggregate = self.community.repository.get(subscription_id)
        except AggregateNotFoundError:
            raise WebhookSubscriptionNotFound(subscription_id) from None
        if not isinstance(found, WebhookSubscription):
            raise WebhookSubscriptionNotFound(subscription_id)
        return found

    def secret(self, subscription_id: UUID) -> str | None:
        """The secret that signs the subscription's deliveries (it never changes: cached)."""
        with self._lock:
            if subscription_id in self._secrets:
                return self._secrets[subscription_id]
        found = self.subscription(subscription_id).secret
        with self._lock:
            self._secrets[subscription_id] = found
        return found

    def _change(
        self, subscription_id: UUID, act: Callable[[WebhookSubscription], bool]
    ) -> SubscriptionChange:
        """Load, act, save; act again on the new state if another admin saved first."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            subscription = self.subscription(subscription_id)
            if not act(subscription):
                return SubscriptionChange(subscription, None, False)
            try:
                return self._save(subscription)
            except IntegrityError:
                if attempt == MAX_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def _save(self, subscription: WebhookSubscription) -> SubscriptionChange:
        recordings = self.community.save(subscription)
        position = recordings[-1].notification.id if recordings else None
        return SubscriptionChange(subscription, position)
