"""Interactions per channel and kind over a span of days, from the daily health rollups."""

from __future__ import annotations

from datetime import date

from psycopg_pool import ConnectionPool

# Counted members' interactions (staff and bots left out), summed from the deltas recorded
# on or before asOf: the same knowledge as the KPIs' rollups. Largest first.
CHANNEL_KINDS = """
SELECT channel, kind, sum(interactions)::bigint AS n FROM health_daily
WHERE day >= %(start)s AND day < %(end)s AND recorded_day <= %(known)s
    AND (%(channel)s = '' OR channel = %(channel)s)
GROUP BY channel, kind HAVING sum(interactions) <> 0
ORDER BY n DESC, channel, kind
"""


def channel_kinds(
    pool: ConnectionPool, start: date, end: date, channel: str = "", as_of: date | None = None
) -> list[tuple[str, str, int]]:
    """(channel, kind, interactions) of the days [start, end) as known at the end of `as_of`
    (None: now); channel "" for all channels. One range of health_daily's days."""
    params = {"start": start, "end": end, "known": as_of or date.max, "channel": channel}
    with pool.connection() as connection:
        rows = connection.execute(CHANNEL_KINDS, params).fetchall()
    return [(str(c), str(k), int(n)) for c, k, n in rows]
