"""The outbox as the deliverer uses it: claims for every receiver, attempts recorded, replays."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from domain.webhooks.deliveries import Claimed, Outcome, Receiver
from projections.webhooks.projection import DELIVERIES_CHANNEL

# For every active subscription with a free slot, its due rows in log order, none behind an
# earlier pending row of the same member (order per member), none leased to a live attempt:
# one statement for all receivers, at most `limit` rows (the deliverer's free threads; rows
# locked beyond it are let go at commit). SKIP LOCKED lets deliverers claim side by side.
# "The member's first pending row" is asked in the order of webhook_deliveries_subject_idx,
# so the plan takes that index even before the table has statistics (an anti-join on the
# outbox just filled, never analyzed, scanned every pending row per candidate: 200 ms).
CLAIM = """
WITH slots AS (
    SELECT s.subscription_id, s.url, s.role,
        greatest(%(per)s - coalesce(b.busy, 0), 0) AS free
    FROM webhook_subscriptions s
    LEFT JOIN unnest(%(busy_ids)s::uuid[], %(busy)s::int[]) AS b(sid, busy)
        ON b.sid = s.subscription_id
    WHERE s.status = 'active'
), due AS (
    SELECT c.subscription_id, c.notification_id, slots.url, slots.role
    FROM slots CROSS JOIN LATERAL (
        SELECT d.subscription_id, d.notification_id FROM webhook_deliveries d
        WHERE d.subscription_id = slots.subscription_id AND d.status = 'pending'
          AND d.next_attempt_at <= now()
          AND (d.leased_until IS NULL OR d.leased_until < now())
          AND d.notification_id = (
              SELECT e.notification_id FROM webhook_deliveries e
              WHERE e.subscription_id = d.subscription_id AND e.subject_id = d.subject_id
                AND e.status = 'pending'
              ORDER BY e.subject_id, e.notification_id LIMIT 1)
        ORDER BY d.notification_id LIMIT slots.free
        FOR UPDATE OF d SKIP LOCKED
    ) c
    WHERE slots.free > 0
    ORDER BY c.notification_id LIMIT %(limit)s
)
UPDATE webhook_deliveries w
SET leased_until = now() + %(lease)s * interval '1 second', lease = w.lease + 1,
    attempts = w.attempts + 1, first_attempt_at = coalesce(w.first_attempt_at, now()),
    last_attempt_at = now()
FROM due
WHERE w.subscription_id = due.subscription_id AND w.notification_id = due.notification_id
RETURNING due.url, due.role, w.subscription_id, w.notification_id, w.event_type,
    w.subject_id, w.idempotency_key, w.attempts, w.lease, w.first_attempt_at, w.occurred_at,
    w.replayed
"""
# Only the lease's holder records, and never over a cancellation or a newer replay.
RECORD = """
UPDATE webhook_deliveries w
SET status = o.status, leased_until = NULL, last_attempt_at = o.at,
    next_attempt_at = coalesce(o.retry_at, w.next_attempt_at),
    delivered_at = CASE WHEN o.status = 'delivered' THEN o.at END,
    last_status = o.code, last_error = o.error
FROM unnest(%s::uuid[], %s::bigint[], %s::bigint[], %s::text[], %s::timestamptz[],
            %s::timestamptz[], %s::int[], %s::text[]) AS o(s, n, lease, status, at, retry_at,
            code, error)
WHERE w.subscription_id = o.s AND w.notification_id = o.n AND w.lease = o.lease
  AND w.status = 'pending'
"""
REPLAY = """
WITH replayed AS (
    UPDATE webhook_deliveries
    SET status = 'pending', attempts = 0, next_attempt_at = now(), leased_until = NULL,
        lease = lease + 1, first_attempt_at = NULL, delivered_at = NULL, last_status = NULL,
        last_error = NULL, replayed = true
    WHERE subscription_id = %s AND notification_id >= %s AND status <> 'cancelled'
    RETURNING notification_id
)
SELECT count(*), max(notification_id) FROM replayed
"""


class DeliveryQueueSql:
    """The DeliveryQueue port on PostgreSQL (application/webhooks/ports.py)."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def claim(
        self, busy: Mapping[UUID, int], per_subscription: int, limit: int, lease_seconds: float
    ) -> list[tuple[Receiver, Claimed]]:
        """Up to `limit` due deliveries of the active subscriptions, each up to its free slots
        (out of `per_subscription`, `busy` taken), leased for `lease_seconds`, in log order."""
        params = {
            "per": per_subscription,
            "limit": limit,
            "busy_ids": list(busy),
            "busy": list(busy.values()),
            "lease": lease_seconds,
        }
        with self.pool.connection() as conn:
            found = conn.execute(CLAIM, params).fetchall()
        receivers: dict[UUID, Receiver] = {}
        claimed = []
        for url, role, *row in found:
            receiver = receivers.setdefault(row[0], Receiver(row[0], url, role))
            claimed.append((receiver, Claimed(*row)))
        claimed.sort(key=lambda pair: pair[1].notification_id)
        return claimed

    def record(self, outcomes: list[Outcome]) -> None:
        """Each attempt's outcome, in one statement."""
        columns: list[list[Any]] = [
            [o.subscription_id for o in outcomes],
            [o.notification_id for o in outcomes],
            [o.lease for o in outcomes],
            [o.status for o in outcomes],
            [o.at for o in outcomes],
            [o.retry_at for o in outcomes],
            [o.status_code for o in outcomes],
            [o.error for o in outcomes],
        ]
        with self.pool.connection() as conn:
            conn.execute(RECORD, columns)

    def replay(self, subscription_id: UUID, from_position: int) -> tuple[int, int | None]:
        """Every delivery from the position on, pending again with its attempts reset."""
        with self.pool.connection() as conn:
            row = conn.execute(REPLAY, (subscription_id, from_position)).fetchone()
        assert row is not None
        return int(row[0]), None if row[1] is None else int(row[1])


def listen_for_deliveries(database_url: str) -> Any:
    """A listener for the deliverer: sets `wake` whenever the projection adds deliveries."""

    def listen(wake: threading.Event, stopping: threading.Event) -> None:
        while not stopping.is_set():
            try:
                with psycopg.connect(database_url, autocommit=True) as conn:
                    channel = sql.Identifier(DELIVERIES_CHANNEL)
                    conn.execute(sql.SQL("LISTEN {}").format(channel))
                    while not stopping.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            wake.set()
            except psycopg.Error:
                stopping.wait(1.0)

    return listen
