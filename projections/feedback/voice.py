"""Voice: support weighted by importance and by the supporters' engagement.

voice = sum over the item's member set of weight(member) x (1 + percentile(member)), where
the member set is the one unique_members counts (a canonical item: its whole duplicate
group; a duplicate: its author and supporters), weight is the member's highest importance
(critical 3, important 2, nice to have 1, unknown 1; an author 1), and percentile is the
member's engagement rank: the share of members with interactions (staff and bots aside)
whose decayed score (member_engagement.rank_key) is at most theirs, in (0, 1]; 0 for a
member with no interaction. An item backed by engaged members
thus outranks one with as many quiet supporters, by up to double.

Engagement changes with every interaction, so voice is recomputed in one statement by
FeedbackQueries.refresh_voice (by the worker, in a thread of its own, or an operator), never
by the projection: it moves no item in the change feed. At a million items and five million
supports the statement takes about a minute when nothing changed (BENCHMARKS.md).
"""

from __future__ import annotations

import logging
import threading
import time

from psycopg_pool import ConnectionPool, PoolClosed

log = logging.getLogger(__name__)

# Engagement moves slowly: an hourly refresh keeps the order close enough
# (CRM_FEEDBACK_VOICE_REFRESH_SECONDS).
DEFAULT_INTERVAL = 3600.0

REFRESH_VOICE = """
WITH ranked AS (
    SELECT member_id, cume_dist() OVER (ORDER BY rank_key) AS percentile
    FROM member_engagement WHERE interactions > 0 AND NOT is_staff AND NOT is_bot
),
items AS (
    SELECT item_id, author_id, duplicate_of, coalesce(duplicate_of, item_id) AS canonical
    FROM feedback_items
),
roles AS (
    SELECT i.item_id, i.canonical, i.author_id AS member_id, 1 AS weight FROM items i
    UNION ALL
    SELECT i.item_id, i.canonical, s.member_id, crm_feedback_weight(s.importance)
    FROM items i JOIN feedback_supports s ON s.item_id = i.item_id
),
members AS (
    SELECT item_id, canonical, member_id, max(weight) AS weight FROM roles GROUP BY 1, 2, 3
),
own AS (
    SELECT m.item_id, sum(m.weight * (1 + coalesce(r.percentile, 0))) AS voice
    FROM members m LEFT JOIN ranked r USING (member_id) GROUP BY m.item_id
),
grouped AS (
    SELECT g.canonical, sum(g.weight * (1 + coalesce(r.percentile, 0))) AS voice
    FROM (SELECT canonical, member_id, max(weight) AS weight FROM roles GROUP BY 1, 2) g
    LEFT JOIN ranked r USING (member_id) GROUP BY g.canonical
),
voices AS (
    SELECT i.item_id, CASE WHEN i.duplicate_of IS NULL THEN g.voice ELSE o.voice END AS voice
    FROM items i JOIN own o USING (item_id) LEFT JOIN grouped g ON g.canonical = i.item_id
)
UPDATE feedback_items f SET voice = v.voice
FROM voices v
WHERE f.item_id = v.item_id AND f.voice IS DISTINCT FROM v.voice
"""


def refresh_voice(pool: ConnectionPool) -> int:
    """Recompute every item's voice from today's engagement; returns the rows changed."""
    with pool.connection() as conn, conn.transaction():
        conn.execute("SET LOCAL jit = off")  # one statement, compiled for nothing
        return conn.execute(REFRESH_VOICE).rowcount


class VoiceRefresh:
    """Voice kept fresh for the projection worker: recomputed at most every `interval`.

    Wired as worker maintenance (api/projection_wiring.py), beside the erasure compaction. The
    refresh runs in a thread of its own, so that the projections never wait for it.
    """

    def __init__(self, pool: ConnectionPool, interval_seconds: float = DEFAULT_INTERVAL) -> None:
        self.pool = pool
        self.interval_seconds = interval_seconds
        self._next = 0.0
        self._thread: threading.Thread | None = None

    def run_if_due(self) -> bool:
        """Start a refresh if the interval has passed and none runs; True when one started."""
        now = time.monotonic()
        if now < self._next or self.running:
            return False
        self._next = now + self.interval_seconds
        self._thread = threading.Thread(target=self._refresh, name="feedback-voice", daemon=True)
        self._thread.start()
        return True

    @property
    def running(self) -> bool:
        """Whether a refresh is under way."""
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the refresh under way, if any."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _refresh(self) -> None:
        try:
            changed = refresh_voice(self.pool)
        except PoolClosed:
            return  # the process is stopping
        except Exception:
            log.exception("feedback voice refresh failed; retrying at the next interval")
            return
        log.info("feedback voice refreshed: %d item(s) changed", changed)
