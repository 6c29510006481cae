"""Reads of the health rollups the KPIs need: each touches O(periods × buckets) rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from psycopg_pool import ConnectionPool

from projections.health import queries

# Counted members per period, metric and bucket: today's totals, or as known at asOf (the
# deltas recorded by then). One index range of each table's key.
TOTALS = """
SELECT period, metric, bucket, members::bigint FROM health_rollup_totals
WHERE granularity = %(granularity)s AND channel = %(channel)s AND period >= %(start)s
    AND period < %(end)s AND metric = ANY(%(metrics)s) AND members <> 0
"""
AS_OF = """
SELECT period, metric, bucket, sum(delta)::bigint FROM health_rollups
WHERE granularity = %(granularity)s AND channel = %(channel)s AND period >= %(start)s
    AND period < %(end)s AND metric = ANY(%(metrics)s) AND recorded_day <= %(as_of)s
GROUP BY 1, 2, 3 HAVING sum(delta) <> 0
"""
# Counted members whose last interaction (on the channel, '' all) is in [low, high]:
# an index range of health_member_lasts, for the part of a day before the cutoff.
LASTS_BETWEEN = """
SELECT count(*) FROM health_member_lasts l JOIN health_members m USING (member_id)
WHERE l.channel = %(channel)s AND l.last_at >= %(low)s AND l.last_at <= %(high)s AND m.counted
"""
# Counted members who joined before `first`, less those who left before it; then per day.
MEMBERS_BEFORE = """
SELECT coalesce(sum(joined), 0)::bigint, coalesce(sum(left_), 0)::bigint
FROM health_membership_days WHERE day < %s
"""
MEMBERSHIP_DAYS = """
SELECT day, joined::bigint, left_::bigint FROM health_membership_days
WHERE day >= %s AND day < %s
"""
COHORTS = """
SELECT cohort, period, members::bigint FROM health_cohorts
WHERE granularity = %(granularity)s AND cohort >= %(start)s AND cohort < %(end)s
    AND period < %(end)s AND members <> 0
"""
# Time to first response of feedback submitted in each period, in seconds.
RESPONSES = """
SELECT s.start,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM
        f.first_response_at - f.submitted_at)),
    percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM
        f.first_response_at - f.submitted_at))
FROM unnest(%(starts)s::date[], %(ends)s::date[]) AS s(start, finish)
JOIN feedback_items f ON f.submitted_at >= s.start AND f.submitted_at < s.finish
WHERE f.first_response_at IS NOT NULL AND f.first_response_at < %(known)s
GROUP BY s.start
"""

Buckets = dict[date, dict[str, dict[int, int]]]


def instant(day: date) -> datetime:
    """Midnight UTC starting `day`."""
    return datetime.combine(day, time(), tzinfo=UTC)


def known_until(as_of: date | None) -> datetime:
    """The first instant not known at the end of the UTC day `as_of` (None: everything)."""
    return instant(as_of + timedelta(days=1)) if as_of else datetime.max.replace(tzinfo=UTC)


class HealthReads:
    """The health read model as the CommunityHealth use case's port reads it."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def counts(
        self, granularity: str, start: date, end: date, channel: str, as_of: date | None
    ) -> dict[date, dict[str, int]]:
        """new, active and interactions per period, from the rollups: O(periods)."""
        return queries.counts(self.pool, granularity, start, end, channel, as_of)

    def buckets(
        self,
        granularity: str,
        start: date,
        end: date,
        channel: str,
        as_of: date | None,
        metrics: tuple[str, ...],
    ) -> Buckets:
        """Counted members per period starting in [start, end), metric and bucket (see
        migrations/0023): today's totals, or the deltas recorded by the end of `as_of`."""
        params = {
            "granularity": granularity,
            "channel": channel,
            "start": start,
            "end": end,
            "metrics": list(metrics),
            "as_of": as_of,
        }
        found: Buckets = {}
        with self.pool.connection() as connection:
            rows = connection.execute(TOTALS if as_of is None else AS_OF, params).fetchall()
        for period, metric, bucket, members in rows:
            found.setdefault(period, {}).setdefault(metric, {})[int(bucket)] = int(members)
        return found

    def lasts_between(self, channel: str, low: datetime, high: datetime) -> int:
        """Counted members whose last interaction (on the channel) is in [low, high], now."""
        params = {"channel": channel, "low": low, "high": high}
        with self.pool.connection() as connection:
            row = connection.execute(LASTS_BETWEEN, params).fetchone()
        return int(row[0]) if row else 0

    def membership(
        self, starts: list[date], ends: list[date], as_of: date | None
    ) -> dict[date, tuple[int, int]]:
        """(left, total at the end) per period: the membership days before and in the span.

        Membership dates, not recorded days: joined or left after the end of `as_of` is
        not known at asOf.
        """
        known = as_of + timedelta(days=1) if as_of else date.max
        with self.pool.connection() as connection:
            row = connection.execute(MEMBERS_BEFORE, (starts[0],)).fetchone()
            days = connection.execute(MEMBERSHIP_DAYS, (starts[0], max(ends))).fetchall()
        joined_before, left_before = (int(row[0]), int(row[1])) if row else (0, 0)
        found = {}
        for start, end in zip(starts, ends, strict=True):
            until = min(end, known)
            joined = joined_before + sum(int(j) for d, j, _ in days if d < until)
            left = left_before + sum(int(n) for d, _, n in days if d < until)
            in_period = sum(int(n) for d, _, n in days if start <= d < until)
            found[start] = (in_period, joined - left)
        return found

    def response_times(
        self, starts: list[date], ends: list[date], as_of: date | None
    ) -> dict[date, tuple[float, float]]:
        """(median, p90) seconds to first response of feedback submitted in each period."""
        params = {"starts": starts, "ends": ends, "known": known_until(as_of)}
        with self.pool.connection() as connection:
            rows = connection.execute(RESPONSES, params).fetchall()
        return {start: (float(median), float(p90)) for start, median, p90 in rows}

    def cohorts(self, granularity: str, start: date, end: date) -> dict[date, dict[date, int]]:
        """Counted members first seen in a period of [start, end) per cohort, active per period."""
        params = {"granularity": granularity, "start": start, "end": end}
        found: dict[date, dict[date, int]] = {}
        with self.pool.connection() as connection:
            for cohort, period, members in connection.execute(COHORTS, params).fetchall():
                found.setdefault(cohort, {})[period] = int(members)
        return found
