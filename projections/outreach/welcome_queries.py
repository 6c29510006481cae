"""Reads over the welcome queue: newcomers oldest first, and time to welcome per period.

What a newcomer said first is their first interaction's summary, read sealed from the
interactions read model and opened with their key for the roles that may see personal data.
"""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import Keyset, Page, Row
from projections.personal import CONTENT, Keys, PersonalData, open_value

KEYSET = Keyset("newcomers", itemgetter("showed_up_at"), "member_id", datetime)
QUEUE = """
SELECT member_id, joined_at, first_interaction_at, first_interaction_id, channel,
    first_thread_ref, showed_up_at
FROM outreach_newcomers
WHERE queued AND showed_up_at >= %s {conditions}
ORDER BY showed_up_at, member_id LIMIT %s
"""
FIRST_SAID = """
SELECT interaction_id, member_id, sealed_content FROM member_interactions
WHERE interaction_id = ANY(%s) AND sealed_content IS NOT NULL
"""
# Time to welcome of the newcomers who showed up in each week or month (a welcome sent
# before they showed up counts as zero); staff and bots are never newcomers.
PERIODS = """
SELECT (date_trunc(%(unit)s, showed_up_at AT TIME ZONE 'UTC'))::date AS start,
    count(*) AS newcomers, count(welcomed_at) AS welcomed,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY waited) AS median_seconds,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY waited) AS p90_seconds
FROM (
    SELECT showed_up_at, welcomed_at,
        -- greatest() skips NULLs: the unwelcomed must stay NULL, out of the percentiles.
        CASE WHEN welcomed_at IS NOT NULL
            THEN greatest(0, extract(epoch FROM welcomed_at - showed_up_at)) END AS waited
    FROM outreach_newcomers
    WHERE showed_up_at >= %(start)s AND showed_up_at < %(end)s AND NOT is_staff AND NOT is_bot
        AND (%(channel)s::text IS NULL OR channel = %(channel)s)
) n
GROUP BY 1 ORDER BY 1
"""


class WelcomeQueries:
    """SQL over outreach_newcomers (and, for first words, member_interactions)."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def queue(
        self, since: datetime, channel: str | None, first: int, after: str | None, reveal: bool
    ) -> Page:
        """Unwelcomed newcomers who showed up from `since` on, oldest first."""
        conditions = ""
        params: list[Any] = [since]
        if channel is not None:
            conditions += " AND channel = %s"
            params.append(channel)
        if after:
            moment, member_id = KEYSET.decode(after)
            conditions += " AND (showed_up_at, member_id) > (%s, %s)"
            params += [moment, member_id]
        rows = self._rows(QUEUE.format(conditions=conditions), [*params, first + 1])
        page = KEYSET.page(rows, first)
        self._first_said(page.rows, reveal)
        return page

    def periods(self, start: datetime, end: datetime, unit: str, channel: str | None) -> list[Row]:
        """Per week or month (`unit`, date_trunc's field) of showing up in [start, end), on
        one channel or all: newcomers, welcomed, median and p90 seconds to welcome."""
        params = {"unit": unit, "start": start, "end": end, "channel": channel}
        return self._rows(PERIODS, params)

    def _first_said(self, rows: list[Row], reveal: bool) -> None:
        """Each row's first summary in clear for `reveal`, else None, in place."""
        for row in rows:
            row["first_said"] = None
        ids = [r["first_interaction_id"] for r in rows if r["first_interaction_id"]]
        if not reveal or not ids:
            return
        sealed = {r["interaction_id"]: r for r in self._rows(FIRST_SAID, (ids,))}
        keys: Keys = self.personal.reader_keys({r["member_id"] for r in sealed.values()})
        for row in rows:
            found = sealed.get(row["first_interaction_id"])
            if found is None:
                continue
            content = open_value(
                keys.get(found["member_id"]),
                found["sealed_content"],
                CONTENT,
                found["interaction_id"],
            )
            row["first_said"] = content["summary"] if content else None

    def _rows(self, query: Any, params: Any = ()) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()
