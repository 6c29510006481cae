"""The bodies of deliveries, rendered from the log when they are sent.

A body is the event's envelope (type, version, position, when) around its `data`
(projections/webhooks/payloads.py). The events are read from the log by notification id
and decoded with the application's mapper, one key query per batch: what a member's key
no longer opens (an erasure) is sent as null.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import Mapper, StoredEvent
from psycopg_pool import ConnectionPool

from domain.webhooks import PUBLIC_EVENT_TYPES
from domain.webhooks.deliveries import Claimed
from projections.positions import EVENTS_TABLE
from projections.webhooks.payloads import render

EVENTS = f"""
SELECT notification_id, originator_id, originator_version, topic, state FROM {EVENTS_TABLE}
WHERE notification_id = ANY(%s)
"""


class LoggedContents:
    """The Contents port (application/webhooks/ports.py) over the event log."""

    def __init__(self, pool: ConnectionPool, mapper: Mapper[Any]) -> None:
        self.pool = pool
        self.mapper = mapper

    def bodies(self, claimed: list[Claimed], *, personal: bool) -> dict[int, bytes]:
        """Each claimed delivery's JSON body, by notification id."""
        positions = sorted({c.notification_id for c in claimed})
        with self.pool.connection() as conn:
            rows = conn.execute(EVENTS, (positions,)).fetchall()
        stored = [StoredEvent(r[1], r[2], r[3], bytes(r[4])) for r in rows]
        decode_page = getattr(self.mapper, "to_domain_events", None)
        if decode_page is not None:  # one key query for the batch
            events = list(decode_page(stored))
        else:
            events = [self.mapper.to_domain_event(s) for s in stored]
        by_position = {int(r[0]): e for r, e in zip(rows, events, strict=True)}
        return {
            c.notification_id: envelope(c, by_position[c.notification_id], personal=personal)
            for c in claimed
            if c.notification_id in by_position
        }


def envelope(delivery: Claimed, event: Any, *, personal: bool) -> bytes:
    """The JSON body of one delivery."""
    return orjson.dumps(
        {
            "id": str(delivery.idempotency_key),
            "type": delivery.event_type,
            "version": PUBLIC_EVENT_TYPES[delivery.event_type].version,
            "position": delivery.notification_id,
            "occurredAt": event.timestamp.isoformat(),
            "subscriptionId": str(delivery.subscription_id),
            "data": render(event, delivery.subject_id, personal=personal),
        }
    )
