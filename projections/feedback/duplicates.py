"""Which items name an item as their canonical one: the feedback desk's DuplicateIndex."""

from __future__ import annotations

from uuid import UUID

from psycopg_pool import ConnectionPool

from projections.positions import PositionWatcher, head_of_log

# The projection whose table this reads (projections/feedback/projection.py).
FEEDBACK_PROJECTION = "feedback"


class ReadModelDuplicates:
    """Reads feedback_items.duplicate_of (indexed); the event store has no such query.

    With a watcher, it first waits (up to `timeout` seconds) for the feedback projection to
    reach the head of the log, so that marks committed before the check are seen.
    """

    def __init__(
        self,
        pool: ConnectionPool,
        *,
        watcher: PositionWatcher | None = None,
        timeout: float = 0.0,
        limit: int = 5,
    ) -> None:
        self.pool = pool
        self.watcher = watcher
        self.timeout = timeout
        self.limit = limit

    def duplicates_of(self, item_id: UUID) -> list[UUID]:
        """Ids of up to `limit` items the read model holds as duplicates of this one."""
        if self.watcher is not None:
            self.watcher.wait_for(FEEDBACK_PROJECTION, head_of_log(self.pool), self.timeout)
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT item_id FROM feedback_items WHERE duplicate_of = %s"
                " ORDER BY item_id LIMIT %s",
                (item_id, self.limit),
            ).fetchall()
        return [row[0] for row in rows]
