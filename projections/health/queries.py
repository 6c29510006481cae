"""Reads of the health rollups: totals per period as known on a day, summed from deltas."""

from __future__ import annotations

from datetime import date

from psycopg_pool import ConnectionPool

from domain.errors import InvalidField
from projections.health.periods import ROLLED_UP

COUNTS = """
SELECT period, metric, sum(delta)::bigint
FROM health_counts
WHERE granularity = %s AND channel = %s AND period >= %s AND period < %s AND recorded_day <= %s
GROUP BY period, metric
"""


def counts(
    pool: ConnectionPool,
    granularity: str,
    start: date,
    end: date,
    channel: str = "",
    as_of: date | None = None,
) -> dict[date, dict[str, int]]:
    """Counted members' totals per period starting in [start, end), as known at the end of
    `as_of` (a UTC day; None: today's knowledge). Channel "" is all channels.

    One index range of health_counts' key: a few rows per period and metric whatever the
    number of members or interactions.
    """
    if granularity not in ROLLED_UP:
        raise InvalidField("granularity", f"must be one of {', '.join(ROLLED_UP)}")
    if end < start:
        raise InvalidField("to", "must not be before from")
    found: dict[date, dict[str, int]] = {}
    with pool.connection() as connection:
        rows = connection.execute(
            COUNTS, (granularity, channel, start, end, as_of or date.max)
        ).fetchall()
    for period, metric, total in rows:
        found.setdefault(period, {})[metric] = int(total)
    return found
