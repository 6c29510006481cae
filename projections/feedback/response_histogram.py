"""Response times over long spans, from the histogram rather than a sort of every wait.

The whole ISO weeks inside [from, to) are read from `feedback_response_rollup` (the
histogram summed per week, channel or priority); the partial weeks at either edge from the
items themselves, placed in the same buckets. Counts stay exact: answered and unanswered are
sums of rows, and over-target counts come from the rollup's coarse buckets, then the
histogram's buckets inside the coarse one holding a target, then the few items the histogram
cannot decide (those in the bucket holding their target, and those unanswered in the weeks
their target ends in). Median and p90 are each a bucket's middle
(interpolated as percentile_cont does between two ranks): within 0.5% of the exact value,
or half a second for waits under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from math import floor
from typing import Any

from projections.feedback.histogram import COARSE, bucket_middle

# Grouping keys of the rollup's rows, the histogram's and the items', per grouping (constants).
ROLLUP_KEYS = {
    "week": "r.week",
    "channel": 'r.channel COLLATE "C"',
    "priority": 'r.priority COLLATE "C"',
}
CELL_KEYS = {
    "week": "h.week",
    "channel": 'h.channel COLLATE "C"',
    "priority": 'h.priority COLLATE "C"',
}
ITEM_KEYS = {
    "week": "date_trunc('week', i.submitted_at AT TIME ZONE 'UTC')::date",
    "channel": 'i.channel COLLATE "C"',
    "priority": 'i.priority COLLATE "C"',
}
# Parts, each (key, bucket, items, over target): the rollup's rows of the grouping (counts
# only); its 'over' rows (over target only, decided per coarse bucket); the histogram's rows
# above a target inside the coarse bucket holding it; answered items in their target's
# bucket (counted only as over target or not); recent unanswered items past their target;
# the edges' items. Priorities are the workflow's values, all named in the targets;
# untriaged items have the default target.
# Then per group: counts, and the buckets holding the ranks percentile_cont interpolates.
HISTOGRAM_TIMES = f"""
WITH targets AS MATERIALIZED (
    SELECT priority, seconds, crm_feedback_wait_bucket(make_interval(secs => seconds)) AS bucket
    FROM unnest(%(priorities)s::text[], %(seconds)s::float8[]) AS t(priority, seconds)
), fallback AS MATERIALIZED (
    SELECT %(default)s::float8 AS seconds,
        crm_feedback_wait_bucket(make_interval(secs => %(default)s::float8)) AS bucket
), counted AS (
    SELECT {{rollup_key}} AS key, r.bucket, {{rollup_items}} AS n
    FROM feedback_response_rollup r
    WHERE r.kind = %(kind)s AND r.week >= %(weeks_from)s AND r.week < %(weeks_to)s
    {{counted_grouping}}
), crossed AS (
    SELECT {{rollup_key}} AS key, r.priority, r.bucket, r.week < %(settled)s AS settled,
        {{rollup_items}} AS n
    FROM feedback_response_rollup r
    WHERE r.kind = 'over' AND r.week >= %(weeks_from)s AND r.week < %(weeks_to)s
    {{crossed_grouping}}
), parts AS (
    SELECT key, bucket, n, 0 AS over FROM counted
    UNION ALL
    SELECT c.key, -1, 0,
        CASE WHEN c.bucket = -1 THEN CASE WHEN c.settled THEN c.n ELSE 0 END
            WHEN c.bucket > coalesce(t.bucket, f.bucket) / {COARSE} THEN c.n ELSE 0 END
    FROM crossed c CROSS JOIN fallback f LEFT JOIN targets t ON t.priority = c.priority
    UNION ALL
    SELECT {{cell_key}}, -1, 0, h.items
    FROM targets t JOIN feedback_response_histogram h ON h.priority = t.priority
        AND h.bucket > t.bucket AND h.bucket < (t.bucket / {COARSE} + 1) * {COARSE}
    WHERE h.week >= %(weeks_from)s AND h.week < %(weeks_to)s
    UNION ALL
    SELECT {{cell_key}}, -1, 0, h.items
    FROM fallback f JOIN feedback_response_histogram h ON h.priority IS NULL
        AND h.bucket > f.bucket AND h.bucket < (f.bucket / {COARSE} + 1) * {COARSE}
    WHERE h.week >= %(weeks_from)s AND h.week < %(weeks_to)s
    UNION ALL
    SELECT {{item_key}}, -1, 0,
        (date_part('epoch', i.first_response_at - i.submitted_at) > t.seconds)::integer
    FROM targets t JOIN feedback_items i ON i.priority = t.priority
        AND crm_feedback_wait_bucket(i.first_response_at - i.submitted_at) = t.bucket
    WHERE i.first_response_at IS NOT NULL
        AND i.submitted_at >= %(whole_from)s AND i.submitted_at < %(whole_to)s
    UNION ALL
    SELECT {{item_key}}, -1, 0,
        (date_part('epoch', i.first_response_at - i.submitted_at) > f.seconds)::integer
    FROM fallback f JOIN feedback_items i ON i.priority IS NULL
        AND crm_feedback_wait_bucket(i.first_response_at - i.submitted_at) = f.bucket
    WHERE i.first_response_at IS NOT NULL
        AND i.submitted_at >= %(whole_from)s AND i.submitted_at < %(whole_to)s
    UNION ALL
    SELECT {{item_key}}, -1, 0, 1
    FROM feedback_items i CROSS JOIN fallback f LEFT JOIN targets t ON t.priority = i.priority
    WHERE i.first_response_at IS NULL
        AND i.submitted_at >= greatest(%(whole_from)s, %(settled_at)s)
        AND i.submitted_at < %(whole_to)s
        AND date_part('epoch', %(now)s - i.submitted_at) > coalesce(t.seconds, f.seconds)
    UNION ALL
    SELECT {{item_key}}, crm_feedback_wait_bucket(i.first_response_at - i.submitted_at), 1,
        (date_part('epoch', coalesce(i.first_response_at, %(now)s) - i.submitted_at)
            > coalesce(t.seconds, f.seconds))::integer
    FROM feedback_items i CROSS JOIN fallback f LEFT JOIN targets t ON t.priority = i.priority
    WHERE (i.submitted_at >= %(from)s AND i.submitted_at < %(whole_from)s)
        OR (i.submitted_at >= %(whole_to)s AND i.submitted_at < %(to)s)
), cells AS (
    SELECT key, GROUPING(key) AS overall, bucket, sum(n)::integer AS n,
        sum(over)::integer AS over
    FROM parts GROUP BY GROUPING SETS ((key, bucket), (bucket))
), ranked AS (
    SELECT *, sum(n) FILTER (WHERE bucket >= 0)
            OVER (PARTITION BY overall, key ORDER BY bucket) AS upto,
        coalesce(sum(n) FILTER (WHERE bucket >= 0) OVER (PARTITION BY overall, key), 0)::bigint
            AS answered
    FROM cells
)
SELECT key, overall, max(answered) AS answered,
    coalesce(sum(n) FILTER (WHERE bucket = -1), 0)::bigint AS unanswered,
    sum(over)::bigint AS over_target,
    min(bucket) FILTER (WHERE bucket >= 0 AND upto >= (answered - 1) / 2 + 1) AS m_low,
    min(bucket) FILTER (WHERE bucket >= 0 AND upto >= answered / 2 + 1) AS m_high,
    min(bucket) FILTER (WHERE bucket >= 0 AND upto >= (answered - 1) * 9 / 10 + 1) AS p_low,
    min(bucket) FILTER (WHERE bucket >= 0 AND upto >= answered * 9 / 10 + 1) AS p_high
FROM ranked GROUP BY overall, key
HAVING max(answered) > 0 OR coalesce(sum(n) FILTER (WHERE bucket = -1), 0) > 0
ORDER BY overall, key NULLS LAST
"""


@dataclass(frozen=True)
class WholeWeeks:
    """The ISO weeks (UTC Mondays) wholly inside a span: [first, end)."""

    first: date
    end: date

    @property
    def any(self) -> bool:
        """Whether the span holds at least one whole week."""
        return self.first < self.end

    @staticmethod
    def of(from_: datetime, to: datetime) -> WholeWeeks:
        """The first Monday at or after `from_`, and the last at or before `to` (UTC)."""
        start = from_.astimezone(UTC)
        first = start.date() + timedelta(days=-start.weekday() % 7)
        if first == start.date() and start.time() != time(0):
            first += timedelta(days=7)
        end = to.astimezone(UTC).date()
        end -= timedelta(days=end.weekday())
        return WholeWeeks(first, max(first, end))


def histogram_query(group_key: str) -> str:
    """The report's SQL for one grouping ("week", "channel" or "priority").

    Channels and priorities first sum their rollup rows over the weeks (before the targets
    are joined); rows of one week are already that sum.
    """
    by_week = group_key == "week"
    return HISTOGRAM_TIMES.format(
        rollup_key=ROLLUP_KEYS[group_key],
        cell_key=CELL_KEYS[group_key],
        item_key=ITEM_KEYS[group_key],
        rollup_items="r.items" if by_week else "sum(r.items)",
        counted_grouping="" if by_week else "GROUP BY 1, 2",
        crossed_grouping="" if by_week else "GROUP BY 1, 2, 3, 4",
    )


def histogram_params(
    kind: str, weeks: WholeWeeks, now: datetime, longest: timedelta
) -> dict[str, Any]:
    """The rollup's kind to read, where whole weeks start and end, when unanswered are late.

    `longest` is the longest target: an unanswered item of a week that ended that long
    before now is over any target.
    """
    settled = (now - longest).astimezone(UTC).date()
    settled -= timedelta(days=settled.weekday())
    return {
        "kind": kind,
        "weeks_from": weeks.first,
        "weeks_to": weeks.end,
        "whole_from": _midnight(weeks.first),
        "whole_to": _midnight(weeks.end),
        "settled": settled,
        "settled_at": _midnight(settled),
    }


def percentiles(row: dict[str, Any]) -> tuple[timedelta | None, timedelta | None]:
    """Median and p90 from the buckets of the ranks around each (None: nothing answered)."""
    answered = row["answered"]
    if not answered:
        return None, None
    return (
        _between(row["m_low"], row["m_high"], (answered - 1) * 0.5),
        _between(row["p_low"], row["p_high"], (answered - 1) * 0.9),
    )


def _between(low: int, high: int, rank: float) -> timedelta:
    """Interpolate between the middles of two buckets, as percentile_cont between values."""
    below, above = bucket_middle(low), bucket_middle(high)
    return timedelta(seconds=below + (rank - floor(rank)) * (above - below))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
