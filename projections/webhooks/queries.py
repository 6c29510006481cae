"""Reads of the webhooks projection: subscriptions, and each one's deliveries, newest first."""

from __future__ import annotations

from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import Keyset, Page, Row

SUBSCRIPTIONS = """
SELECT * FROM webhook_subscriptions WHERE status <> 'deleted' OR %(deleted)s
ORDER BY created_at, subscription_id
"""
ONE = "SELECT * FROM webhook_subscriptions WHERE subscription_id = %(id)s"
DELIVERIES = """
SELECT * FROM webhook_deliveries
WHERE subscription_id = %(sid)s AND (%(status)s::text IS NULL OR status = %(status)s)
  AND (%(after)s::bigint IS NULL OR notification_id < %(after)s)
ORDER BY notification_id DESC LIMIT %(limit)s
"""
# Positions are below 2**53, so a float key carries them exactly.
NEWEST_FIRST = Keyset(
    "webhook-deliveries", lambda r: float(r["notification_id"]), "idempotency_key", float
)


class WebhookQueries:
    """What admins read of the webhooks: subscriptions and their deliveries."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def subscriptions(self, *, deleted: bool = False) -> list[Row]:
        """Every subscription, oldest first (deleted ones only when asked)."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(SUBSCRIPTIONS, {"deleted": deleted}).fetchall()

    def subscription(self, subscription_id: UUID) -> Row | None:
        """One subscription's row, or None."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(ONE, {"id": subscription_id}).fetchone()

    def deliveries(
        self, subscription_id: UUID, status: str | None, after: str | None, limit: int
    ) -> Page:
        """A page of the subscription's deliveries, newest first, of one status if given."""
        position = int(NEWEST_FIRST.decode(after)[0]) if after else None
        params = {"sid": subscription_id, "status": status, "after": position}
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(DELIVERIES, params | {"limit": limit + 1}).fetchall()
        return NEWEST_FIRST.page(rows, limit)
