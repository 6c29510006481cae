"""The health rollups a page adds to: deltas per bucket, cohorts and membership days."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import orjson
from psycopg import Cursor

from domain.health.periods import Granularity
from domain.health.rule import MAX_INACTIVE_WEEKS
from domain.lifecycle.stages import Stage
from projections.health.periods import DAY, ROLLED_UP, day_of, period_of
from projections.health.statements import (
    ADD_COHORTS,
    ADD_MEMBERSHIP,
    ADD_ROLLUPS,
    ADD_TOTALS,
)

# The longest silence a rule may ask about: longer silences share its bucket.
SILENCE_CAP = MAX_INACTIVE_WEEKS
# A stage's bucket in the 'stage' rollup: its rank, "" (never evaluated) first.
STAGES: tuple[str, ...] = ("", *(s.value for s in Stage))
# The granularities of the 'last' rollup: days too, for the period straddling the cutoff.
LAST_GRANULARITIES = (DAY, *ROLLED_UP)

RollupKey = tuple[str, str, date, str, int, date]


def stage_bucket(stage: str) -> int:
    """The bucket of a stage (an unknown one counts as never evaluated)."""
    return STAGES.index(stage) if stage in STAGES else 0


def silence_weeks(before: date, day: date) -> int:
    """Whole silent weeks between two active days, capped (returning: at least N of them)."""
    return min(((day - before).days - 1) // 7, SILENCE_CAP)


def period_silence(known: list[date], granularity: Granularity, period: date) -> int | None:
    """The longest silence before one of the period's days (None: none has a day before
    it), from all the member's active days in order."""
    longest: int | None = None
    i = bisect_left(known, period)
    while i < len(known) and period_of(granularity, known[i]) == period:
        if i > 0:
            weeks = silence_weeks(known[i - 1], known[i])
            longest = weeks if longest is None else max(longest, weeks)
        i += 1
    return longest


def utc_day(instant: datetime) -> date:
    """The UTC day of an instant."""
    return instant.astimezone(UTC).date()


class Rollups:
    """Deltas of one page to the rollups, written with the page's other rows."""

    def __init__(self) -> None:
        self.deltas: dict[RollupKey, int] = defaultdict(int)
        self.cohorts: dict[tuple[str, date, date], int] = defaultdict(int)
        self.membership: dict[date, list[int]] = defaultdict(lambda: [0, 0])

    def add(
        self,
        granularity: str,
        channel: str,
        period: date,
        metric: str,
        bucket: int,
        day: date,
        n: int,
    ) -> None:
        """n members into (or out of, n < 0) a bucket, as recorded on `day`."""
        self.deltas[(granularity, channel, period, metric, bucket, day)] += n

    def move(
        self,
        granularity: str,
        channel: str,
        period: date,
        metric: str,
        old: int | None,
        new: int | None,
        day: date,
    ) -> None:
        """A member from bucket `old` to `new` (None: in none)."""
        if old == new:
            return
        if old is not None:
            self.add(granularity, channel, period, metric, old, day, -1)
        if new is not None:
            self.add(granularity, channel, period, metric, new, day, 1)

    def move_last(
        self, channel: str, before: datetime | None, after: datetime | None, day: date
    ) -> None:
        """A member's last interaction on a channel moved (None: none, or no longer counted)."""
        for granularity in LAST_GRANULARITIES:
            old = None if before is None else period_of(granularity, day_of(before))
            new = None if after is None else period_of(granularity, day_of(after))
            if old != new:
                if old is not None:
                    self.add(granularity, channel, old, "last", 0, day, -1)
                if new is not None:
                    self.add(granularity, channel, new, "last", 0, day, 1)

    def joined(self, joined_at: datetime | None, left_at: datetime | None, sign: int) -> None:
        """A member's membership dates in (sign 1) or out of (-1) the membership days."""
        if joined_at is None:
            return
        self.membership[utc_day(joined_at)][0] += sign
        if left_at is not None:
            self.membership[utc_day(left_at)][1] += sign

    def save(self, cursor: Cursor[Any]) -> None:
        """Write the pending deltas (zero ones too: rows do not depend on the page size)."""
        if self.deltas:
            rows = [
                {"g": g, "c": c, "p": p, "m": m, "b": b, "d": d, "n": n}
                for (g, c, p, m, b, d), n in self.deltas.items()
            ]
            cursor.execute(ADD_ROLLUPS, (_json(rows),))
            totals: dict[tuple[str, str, date, str, int], int] = defaultdict(int)
            for (g, c, p, m, b, _), n in self.deltas.items():
                totals[(g, c, p, m, b)] += n
            rows = [
                {"g": g, "c": c, "p": p, "m": m, "b": b, "n": n}
                for (g, c, p, m, b), n in totals.items()
            ]
            cursor.execute(ADD_TOTALS, (_json(rows),))
            self.deltas.clear()
        if self.cohorts:
            rows = [{"g": g, "c": c, "p": p, "n": n} for (g, c, p), n in self.cohorts.items()]
            cursor.execute(ADD_COHORTS, (_json(rows),))
            self.cohorts.clear()
        if self.membership:
            rows = [{"d": d, "j": j, "l": left} for d, (j, left) in self.membership.items()]
            cursor.execute(ADD_MEMBERSHIP, (_json(rows),))
            self.membership.clear()


def _json(rows: list[dict[str, Any]]) -> str:
    return orjson.dumps(rows).decode()
