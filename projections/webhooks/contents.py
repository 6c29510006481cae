"""The bodies of deliveries, rendered from the log when they are sent.

A body is the event's envelope (type, version, position, when) around its `data`
(projections/webhooks/payloads.py). The events are read from the log by notification id
and decoded with the application's mapper, one key query per batch: what a member's key
no longer opens (an erasure) is sent as null. An event is decoded and rendered once per
batch, whichever subscriptions get it.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from typing import Any
from uuid import UUID

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

    def bodies(self, claimed: Sequence[Claimed], personal: Set[UUID]) -> list[bytes | None]:
        """Each claimed delivery's JSON body, in order; None where the event is gone. Each
        event is decoded once and its `data` rendered once per role kind, for every
        subscription that gets it."""
        events = self._events(sorted({c.notification_id for c in claimed}))
        rendered: dict[tuple[int, bool], orjson.Fragment] = {}
        found: list[bytes | None] = []
        for delivery in claimed:
            event = events.get(delivery.notification_id)
            if event is None:
                found.append(None)
                continue
            key = (delivery.notification_id, delivery.subscription_id in personal)
            data = rendered.get(key)
            if data is None:
                data = orjson.Fragment(
                    orjson.dumps(render(event, delivery.subject_id, personal=key[1]))
                )
                rendered[key] = data
            found.append(envelope(delivery, event, data))
        return found

    def _events(self, positions: list[int]) -> dict[int, Any]:
        """The events at these positions, decoded with one key query for them all."""
        with self.pool.connection() as conn:
            rows = conn.execute(EVENTS, (positions,)).fetchall()
        stored = [StoredEvent(r[1], r[2], r[3], bytes(r[4])) for r in rows]
        decode_page = getattr(self.mapper, "to_domain_events", None)
        if decode_page is not None:
            events = list(decode_page(stored))
        else:
            events = [self.mapper.to_domain_event(s) for s in stored]
        return {int(r[0]): e for r, e in zip(rows, events, strict=True)}


def envelope(delivery: Claimed, event: Any, data: orjson.Fragment) -> bytes:
    """The JSON body of one delivery around its rendered `data`."""
    return orjson.dumps(
        {
            "id": str(delivery.idempotency_key),
            "type": delivery.event_type,
            "version": PUBLIC_EVENT_TYPES[delivery.event_type].version,
            "position": delivery.notification_id,
            "occurredAt": event.timestamp.isoformat(),
            "subscriptionId": str(delivery.subscription_id),
            "data": data,
        }
    )
