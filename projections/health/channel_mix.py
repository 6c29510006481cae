"""Interactions per month, channel and kind, from the daily rollups, as known on a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from psycopg_pool import ConnectionPool

# health_daily holds counted members' interactions per day, channel and kind, as deltas
# by recorded day: summing those recorded by asOf gives the mix as it was known then.
MIX = """
SELECT date_trunc('month', day)::date, channel, kind, sum(interactions)::bigint
FROM health_daily
WHERE day >= %(start)s AND day < %(end)s AND recorded_day <= %(known)s
    AND (%(channel)s = '' OR channel = %(channel)s)
GROUP BY 1, 2, 3
HAVING sum(interactions) <> 0
ORDER BY 1, 2, 3
"""


@dataclass(frozen=True)
class MixRow:
    """One month's interactions on one channel of one kind (staff and bots left out)."""

    month: date
    channel: str
    kind: str
    interactions: int


class ChannelMix:
    """The interaction mix of a span of months, over the health rollups of a pool."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def monthly(
        self, start: date, end: date, channel: str = "", as_of: date | None = None
    ) -> list[MixRow]:
        """Rows of days in [start, end) on the channel ("": all), known at the end of as_of."""
        params = {"start": start, "end": end, "channel": channel, "known": as_of or date.max}
        with self.pool.connection() as conn:
            rows = conn.execute(MIX, params).fetchall()
        return [MixRow(month, ch, kind, int(n)) for month, ch, kind, n in rows]

    def totals(
        self, start: date, end: date, channel: str = "", as_of: date | None = None
    ) -> list[tuple[str, str, int]]:
        """(channel, kind, interactions) over the whole span, largest first."""
        summed: dict[tuple[str, str], int] = {}
        for row in self.monthly(start, end, channel, as_of):
            key = (row.channel, row.kind)
            summed[key] = summed.get(key, 0) + row.interactions
        found = [(c, k, n) for (c, k), n in summed.items() if n]
        return sorted(found, key=lambda row: (-row[2], row[0], row[1]))
