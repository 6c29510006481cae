"""The `webhooks` projection: the outbox of outgoing webhooks, filled exactly once.

For each public event (projections/webhooks/catalog.py) and each subscription that wants
it, one `webhook_deliveries` row keyed (subscription, notification id), committed with the
projection's position like any read model. The outbox is not emptied by a rebuild: its
rows are inserted once and never again, so a rebuild sends nothing twice. A subscription
gets the events after its creation; a paused one keeps collecting (sent once resumed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID, uuid5

from psycopg import Cursor

from domain.ambassadors import events as program
from domain.webhooks import SUBSCRIPTION_EVENTS
from domain.webhooks.events import SubscriptionEvent
from projections.projection import Projection, notification_ids
from projections.webhooks.catalog import SOURCE_TOPICS, public_facts
from projections.webhooks.subscriptions import apply_subscription, load_wants

# Deliverers LISTEN here: a page that adds deliveries wakes them when it commits.
DELIVERIES_CHANNEL = "webhook_deliveries"
INSERT_DELIVERIES = """
INSERT INTO webhook_deliveries (subscription_id, notification_id, event_type, subject_id,
    idempotency_key, status, next_attempt_at, occurred_at)
SELECT s, n, t, j, k, 'pending', now(), o
FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::uuid[], %s::uuid[], %s::timestamptz[])
    AS d(s, n, t, j, k, o)
ON CONFLICT (subscription_id, notification_id) DO NOTHING
"""
AMBASSADORSHIPS = """
SELECT ambassadorship_id, member_id FROM webhook_ambassadorships
WHERE ambassadorship_id = ANY(%s)
"""
REMEMBER_AMBASSADORSHIP = """
INSERT INTO webhook_ambassadorships (ambassadorship_id, member_id) VALUES (%s, %s)
ON CONFLICT (ambassadorship_id) DO NOTHING
"""


def idempotency_key(subscription_id: UUID, position: int) -> UUID:
    """The key of one delivery: the same for every attempt, and after any rebuild."""
    return uuid5(subscription_id, str(position))


class WebhooksProjection(Projection):
    """Subscriptions, and one outbox row per subscription and public event it wants."""

    name: ClassVar[str] = "webhooks"
    # The outbox (webhook_deliveries) is left out on purpose: see the module's docstring.
    tables: ClassVar[tuple[str, ...]] = ("webhook_subscriptions", "webhook_ambassadorships")
    topics: ClassVar[frozenset[str]] = SOURCE_TOPICS | frozenset(
        kind.TOPIC for kind in SUBSCRIPTION_EVENTS
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Each event in log order: subscriptions change, public events fan out."""
        if not events:
            return
        positions = notification_ids(events)
        wants = load_wants(cursor)
        ambassador_of = self._ambassadorships(cursor, events)
        rows: list[tuple[UUID, int, str, UUID, UUID, datetime]] = []
        for event, position in zip(events, positions, strict=True):
            if isinstance(event, SubscriptionEvent):
                apply_subscription(cursor, event, position, wants)
            elif isinstance(event, program.Started):
                ambassador_of[event.originator_id] = event.member_id
                cursor.execute(REMEMBER_AMBASSADORSHIP, (event.originator_id, event.member_id))
            elif wants and (facts := public_facts(event, ambassador_of)) is not None:
                for sid, wanted in wants.items():
                    if wanted.matches(facts):
                        key = idempotency_key(sid, position)
                        row = (sid, position, facts.event_type, facts.subject, key, event.timestamp)
                        rows.append(row)
        if rows:
            cursor.execute(INSERT_DELIVERIES, [list(column) for column in zip(*rows, strict=True)])
            cursor.execute(f"NOTIFY {DELIVERIES_CHANNEL}")

    def _ambassadorships(self, cursor: Cursor[Any], events: Sequence[Any]) -> dict[UUID, UUID]:
        """The members of the page's ambassadorships known from earlier pages."""
        ids = list({e.originator_id for e in events if isinstance(e, program.ProgramEvent)})
        if not ids:
            return {}
        cursor.execute(AMBASSADORSHIPS, (ids,))
        return {row[0]: row[1] for row in cursor.fetchall()}
