"""The subscriptions as the outbox projection holds them: what each wants, and its rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg import Cursor

from domain.webhooks.events import (
    SubscriptionCreated,
    SubscriptionDeleted,
    SubscriptionEvent,
    SubscriptionPaused,
    SubscriptionResumed,
)
from projections.webhooks.catalog import PublicFacts

INSERT = """
INSERT INTO webhook_subscriptions (subscription_id, url, event_types, member_ids, channels,
    role, status, created_by, created_at, changed_at, version, position)
VALUES (%s, %s, %s, %s, %s, %s, 'active', %s, %s, %s, %s, %s)
ON CONFLICT (subscription_id) DO NOTHING
"""
# A replayed event (an older version) changes nothing: a page applied twice is harmless.
CHANGE = """
UPDATE webhook_subscriptions SET status = %s, changed_at = %s, version = %s
WHERE subscription_id = %s AND version < %s
"""
# Deleting a subscription drops what it had not received yet: nothing more is sent to it.
CANCEL = """
UPDATE webhook_deliveries SET status = 'cancelled', leased_until = NULL
WHERE subscription_id = %s AND status = 'pending'
"""
LOAD = """
SELECT subscription_id, event_types, member_ids, channels FROM webhook_subscriptions
WHERE status <> 'deleted'
"""
STATUS = {SubscriptionPaused: "paused", SubscriptionResumed: "active"}


@dataclass(frozen=True)
class Wants:
    """What one subscription is sent: its event types, narrowed by members and channels."""

    event_types: frozenset[str]
    member_ids: frozenset[UUID]
    channels: frozenset[str]

    def matches(self, facts: PublicFacts) -> bool:
        """The event is of a type asked for, and passes the filter's parts that apply."""
        if facts.event_type not in self.event_types:
            return False
        if self.member_ids and facts.members and self.member_ids.isdisjoint(facts.members):
            return False
        return not (self.channels and facts.channel and facts.channel not in self.channels)


def load_wants(cursor: Cursor[Any]) -> dict[UUID, Wants]:
    """Every subscription not deleted (paused ones keep collecting), by id."""
    cursor.execute(LOAD)
    return {
        row[0]: Wants(frozenset(row[1]), frozenset(row[2]), frozenset(row[3]))
        for row in cursor.fetchall()
    }


def apply_subscription(
    cursor: Cursor[Any], event: SubscriptionEvent, position: int, wants: dict[UUID, Wants]
) -> None:
    """Apply a subscription's event to its row, and to `wants` for the rest of the page."""
    sid, version = event.originator_id, event.originator_version
    if isinstance(event, SubscriptionCreated):
        members = [UUID(str(m)) for m in event.filter.get("member_ids", [])]
        channels = [str(c) for c in event.filter.get("channels", [])]
        cursor.execute(
            INSERT,
            (sid, event.url, event.event_types, members, channels, event.role)
            + (event.created_by, event.at, event.at, version, position),
        )
        wants[sid] = Wants(frozenset(event.event_types), frozenset(members), frozenset(channels))
        return
    deleted = isinstance(event, SubscriptionDeleted)
    status = "deleted" if deleted else STATUS[type(event)]
    cursor.execute(CHANGE, (status, event.timestamp, version, sid, version))
    if deleted:
        cursor.execute(CANCEL, (sid,))
        wants.pop(sid, None)
