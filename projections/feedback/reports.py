"""The manager's figures over feedback: what came in, and how fast it was first answered.

Both reports read only `feedback_items` and count the items submitted in [from, to).
Time to first response is `first_response_at - submitted_at`, which the aggregate already
takes from the first answer by someone other than the author and not a bot (CHAOSS).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.feedback.response_histogram import (
    WholeWeeks,
    histogram_params,
    histogram_query,
    percentiles,
)

# Spans with fewer answered items are computed exactly: a sort of them is cheap.
EXACT_BELOW = 20_000

# One row per grouping set; `grouped` tells which dimension a row counts (GROUPING bits).
SUMMARY = """
SELECT kind, status, product_area, week, count(*) AS items,
    GROUPING(kind, status, product_area, week) AS grouped
FROM (SELECT kind, status, product_area,
        date_trunc('week', submitted_at AT TIME ZONE 'UTC')::date AS week
    FROM feedback_items WHERE submitted_at >= %(from)s AND submitted_at < %(to)s) AS items
GROUP BY GROUPING SETS ((kind), (status), (product_area), (week), ())
"""
# A target per priority, the default for untriaged items and priorities not named.
# An item is over its target when answered later than it, or still unanswered past it now.
# Waits are float8 seconds (date_part; extract's numeric is slower to sort), both
# percentiles come from one sort per group, and text group keys compare bytewise.
RESPONSE_TIMES = """
WITH targets AS (
    SELECT * FROM unnest(%(priorities)s::text[], %(seconds)s::float8[]) AS t(priority, seconds)
), items AS (
    SELECT {group_key} AS key,
        date_part('epoch', i.first_response_at - i.submitted_at) AS waited,
        date_part('epoch', coalesce(i.first_response_at, %(now)s) - i.submitted_at)
            > coalesce(t.seconds, %(default)s) AS over_target
    FROM feedback_items i LEFT JOIN targets t ON t.priority = i.priority
    WHERE i.submitted_at >= %(from)s AND i.submitted_at < %(to)s
)
SELECT key, GROUPING(key) AS overall,
    count(waited) AS answered, count(*) - count(waited) AS unanswered,
    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY waited) AS percentiles,
    count(*) FILTER (WHERE over_target) AS over_target
FROM items GROUP BY GROUPING SETS ((key), ())
ORDER BY GROUPING(key), key NULLS LAST
"""


class ResponseGroup(StrEnum):
    """How response times are grouped: by week submitted, channel, or priority."""

    WEEK = "week"
    CHANNEL = "channel"
    PRIORITY = "priority"


# Constant SQL per grouping: the caller's choice picks one, never text of its own.
GROUP_KEYS = {
    ResponseGroup.WEEK: "date_trunc('week', i.submitted_at AT TIME ZONE 'UTC')::date",
    ResponseGroup.CHANNEL: 'i.channel COLLATE "C"',
    ResponseGroup.PRIORITY: 'i.priority COLLATE "C"',
}


@dataclass(frozen=True)
class Count:
    """How many items share one value (None: the value is not set, e.g. no product area)."""

    key: str | None
    items: int


@dataclass(frozen=True)
class WeekCount:
    """How many items were submitted in the ISO week starting on this Monday (UTC)."""

    week: date
    items: int


@dataclass(frozen=True)
class FeedbackSummary:
    """Items submitted in a span, counted by kind, status, product area and week."""

    total: int
    kinds: list[Count]
    statuses: list[Count]
    product_areas: list[Count]
    weeks: list[WeekCount]


@dataclass(frozen=True)
class ResponseTimes:
    """Time to first response of the items of one group (or of all, for the overall row)."""

    # The week's Monday (YYYY-MM-DD), the channel, or the priority (None: untriaged, or all).
    key: str | None
    answered: int
    unanswered: int
    median: timedelta | None
    p90: timedelta | None
    over_target: int
    # False: median and p90 come from the histogram (response_histogram.py says how close).
    exact: bool = True


@dataclass(frozen=True)
class ResponseReport:
    """Response times per group, and over every item of the span."""

    groups: list[ResponseTimes]
    overall: ResponseTimes


Targets = Mapping[str | None, timedelta]


class FeedbackReports:
    """Set-based reports over the feedback read model; one query each (two for long spans)."""

    def __init__(self, pool: ConnectionPool, exact_below: int = EXACT_BELOW) -> None:
        self.pool = pool
        self.exact_below = exact_below

    def summary(self, from_: datetime, to: datetime) -> FeedbackSummary:
        """Counts of the items submitted in [from_, to), per kind, status, area and week."""
        rows = self._rows(SUMMARY, {"from": from_, "to": to})
        # GROUPING bits, left to right: kind 8, status 4, product_area 2, week 1.
        by = {grouped: [r for r in rows if r["grouped"] == grouped] for grouped in (7, 11, 13, 14)}
        total = next((r["items"] for r in rows if r["grouped"] == 15), 0)
        return FeedbackSummary(
            total=total,
            kinds=_counts(by[7], "kind"),
            statuses=_counts(by[11], "status"),
            product_areas=_counts(by[13], "product_area"),
            weeks=sorted((WeekCount(r["week"], r["items"]) for r in by[14]), key=_week),
        )

    def response_times(
        self,
        from_: datetime,
        to: datetime,
        group_by: ResponseGroup,
        targets: Targets,
        now: datetime,
    ) -> ResponseReport:
        """Median and p90 time to first response per group, answered, unanswered, over target.

        `targets` maps a priority to its target; its None entry is the default target.
        Spans holding whole weeks are read from the histogram; if fewer than `exact_below`
        items of them were answered, they are computed exactly from the items instead.
        """
        named = {p: t for p, t in targets.items() if p is not None}
        params = {
            "from": from_,
            "to": to,
            "now": now,
            "priorities": list(named),
            "seconds": [t.total_seconds() for t in named.values()],
            "default": targets[None].total_seconds(),
        }
        weeks = WholeWeeks.of(from_, to)
        if weeks.any:
            longest = max(targets.values())
            params |= histogram_params(group_by.value, weeks, now, longest)
            rows = self._rows(histogram_query(group_by.value), params)
            estimated = _report(rows, _estimated)
            if estimated.overall.answered >= self.exact_below:
                return estimated
        rows = self._rows(RESPONSE_TIMES.format(group_key=GROUP_KEYS[group_by]), params)
        return _report(rows, _times)

    def _rows(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.transaction():
            # A year of waits sorts in memory rather than in temporary files.
            conn.execute("SET LOCAL work_mem = '64MB'")
            with conn.cursor(row_factory=dict_row) as cur:
                # Never prepared: a generic plan, blind to the span, reads far more rows
                # than the span's own plan (fragments are constants: no caller input in SQL).
                cur.execute(query, params, prepare=False)
                return cur.fetchall()


def _counts(rows: list[dict[str, Any]], column: str) -> list[Count]:
    """Most items first, then by value; the unset value last."""
    counts = [Count(r[column], r["items"]) for r in rows]
    return sorted(counts, key=lambda c: (-c.items, c.key is None, c.key or ""))


def _week(count: WeekCount) -> date:
    return count.week


def _times(row: dict[str, Any]) -> ResponseTimes:
    median, p90 = row["percentiles"] or (None, None)
    key = row["key"]
    return ResponseTimes(
        key=key.isoformat() if isinstance(key, date) else key,
        answered=row["answered"],
        unanswered=row["unanswered"],
        median=_seconds(median),
        p90=_seconds(p90),
        over_target=row["over_target"],
    )


def _estimated(row: dict[str, Any]) -> ResponseTimes:
    median, p90 = percentiles(row)
    key = row["key"]
    return ResponseTimes(
        key=key.isoformat() if isinstance(key, date) else key,
        answered=row["answered"],
        unanswered=row["unanswered"],
        median=median,
        p90=p90,
        over_target=row["over_target"],
        exact=False,
    )


def _report(
    rows: list[dict[str, Any]], times: Callable[[dict[str, Any]], ResponseTimes]
) -> ResponseReport:
    """Groups first, then the overall row (zeros when the span holds no items)."""
    overall = next((times(r) for r in rows if r["overall"]), None)
    empty = ResponseTimes(None, 0, 0, None, None, 0)
    return ResponseReport([times(r) for r in rows if not r["overall"]], overall or empty)


def _seconds(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=float(value))
