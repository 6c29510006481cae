"""Planner statistics of read models that grow while they are projected.

A read model can grow from nothing to millions of rows between two ANALYZEs: a first
evaluation of a large community writes a stage change per member and stage. Where
autovacuum is off or behind, the planner keeps the empty table's statistics, and a page's
cached plan scans the whole table for a lookup of a few rows (measured: the lifecycle
projection slowed from 5,700 to 975 events/s, and went at 9,300 after an ANALYZE).
"""

from __future__ import annotations

import logging
import time

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

# Tables changed by more than this share of their rows since their last ANALYZE (and by
# at least MIN_CHANGES rows) are analyzed again; autovacuum's own threshold is 10%.
STALE = """
SELECT relname FROM pg_stat_user_tables
WHERE schemaname = current_schema() AND relname = ANY(%s)
    AND n_mod_since_analyze > greatest(%s, %s * n_live_tup)
ORDER BY relname
"""
CHECK_EVERY_SECONDS = 30.0
MIN_CHANGES = 10_000
SHARE = 0.2


class StatisticsKeeper:
    """ANALYZEs a projection's tables once they have changed much since the last time."""

    def __init__(
        self,
        tables: tuple[str, ...],
        *,
        every_seconds: float = CHECK_EVERY_SECONDS,
        min_changes: int = MIN_CHANGES,
        share: float = SHARE,
    ) -> None:
        self.tables = tables
        self.every_seconds = every_seconds
        self.min_changes = min_changes
        self.share = share
        self._next_check = time.monotonic() + every_seconds

    def refresh_if_stale(self, pool: ConnectionPool) -> list[str]:
        """At most once per `every_seconds`: ANALYZE the stale tables; returns their names.

        A failure is logged, never raised: statistics are an optimization.
        """
        now = time.monotonic()
        if now < self._next_check:
            return []
        self._next_check = now + self.every_seconds
        try:
            with pool.connection() as conn:
                stale = [
                    name
                    for (name,) in conn.execute(
                        STALE, (list(self.tables), self.min_changes, self.share)
                    ).fetchall()
                ]
                if stale:
                    names = sql.SQL(", ").join(sql.Identifier(t) for t in stale)
                    conn.execute(sql.SQL("ANALYZE {}").format(names))
        except psycopg.Error as error:
            log.warning("could not refresh statistics of %s: %s", ", ".join(self.tables), error)
            return []
        if stale:
            log.info("statistics refreshed: %s", ", ".join(stale))
        return stale
