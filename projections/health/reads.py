"""Reads of the health read model the KPIs need beyond the rollups: members' rows in a span."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from psycopg_pool import ConnectionPool

from domain.health.facts import MemberFacts, Spell
from projections.health import queries

# Counted members' interactions per day (all kinds; one channel or all) from `since` on, as
# known at `as_of`, with the member's exact last interaction and whether they were active
# before `since`. O(active members' day rows in the span), never the whole log.
DAYS = """
SELECT p.member_id, p.period, sum(p.interactions)::bigint, m.last_at,
    EXISTS (SELECT 1 FROM health_member_periods q WHERE q.member_id = p.member_id
        AND q.granularity = 'day' AND q.period < %(since)s AND q.first_recorded_at < %(known)s
        AND (%(channel)s = '' OR q.channel = %(channel)s))
FROM health_member_periods p JOIN health_members m USING (member_id)
WHERE p.granularity = 'day' AND p.period >= %(since)s AND p.first_recorded_at < %(known)s
    AND (%(channel)s = '' OR p.channel = %(channel)s) AND m.counted
GROUP BY p.member_id, p.period, m.last_at
"""
# Members who left in each period, and members at each period's end (spells as known).
MEMBERSHIP = """
SELECT s.start,
    count(*) FILTER (WHERE m.left_at >= s.start AND m.left_at < s.finish
        AND m.left_at < %(known)s),
    count(*) FILTER (WHERE m.joined_at < s.finish AND (m.left_at IS NULL
        OR m.left_at >= s.finish OR m.left_at >= %(known)s))
FROM unnest(%(starts)s::date[], %(ends)s::date[]) AS s(start, finish)
CROSS JOIN health_members m
WHERE m.counted AND m.joined_at IS NOT NULL AND m.joined_at < %(known)s
GROUP BY s.start
"""
# Active members per period by their lifecycle stage now (member_stages, lifecycle's read
# model; "" for a member never evaluated). O(active members in the periods).
STAGES = """
SELECT p.period, coalesce(s.stage, ''), count(*)
FROM health_member_periods p JOIN health_members m USING (member_id)
LEFT JOIN member_stages s USING (member_id)
WHERE p.granularity = %(granularity)s AND p.period = ANY(%(starts)s::date[])
    AND p.channel = %(channel)s AND p.first_recorded_at < %(known)s AND m.counted
GROUP BY 1, 2
"""
# The members first seen in a span, with their interactions per day there (cohorts).
COHORTS = """
SELECT m.member_id, m.first_at, p.period, p.interactions
FROM health_members m JOIN health_member_periods p USING (member_id)
WHERE m.counted AND m.first_at >= %(low)s AND m.first_at < %(high)s
    AND p.granularity = 'day' AND p.period >= %(start)s AND p.period < %(end)s
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

    def activity(self, since: date, channel: str, as_of: date | None) -> list[MemberFacts]:
        """Counted members active from `since` on (known at `as_of`), their days from then.

        A member also active before `since` gets one day the day before it, standing for
        all their earlier days: enough to tell a silence that began before `since`.
        Known at `as_of` are the day rows first recorded by then, with all their
        interactions (a day's later interactions are not told apart). The last interaction
        is exact when its day is the last known one, else that day's first instant.
        """
        params = {"since": since, "channel": channel, "known": known_until(as_of)}
        days: dict[object, dict[date, int]] = defaultdict(dict)
        last: dict[object, datetime | None] = {}
        with self.pool.connection() as connection:
            rows = connection.execute(DAYS, params).fetchall()
        for member, day, interactions, last_at, earlier in rows:
            days[member][day] = int(interactions)
            if earlier:
                days[member][since - timedelta(days=1)] = 1
            last[member] = last_at
        return [_facts(str(m), d, last[m]) for m, d in days.items()]

    def membership(
        self, starts: list[date], ends: list[date], as_of: date | None
    ) -> dict[date, tuple[int, int]]:
        """(left, total at the end) per period: one pass over the counted members."""
        params = {"starts": starts, "ends": ends, "known": known_until(as_of)}
        with self.pool.connection() as connection:
            rows = connection.execute(MEMBERSHIP, params).fetchall()
        return {start: (int(left), int(total)) for start, left, total in rows}

    def stages(
        self, granularity: str, starts: list[date], channel: str, as_of: date | None
    ) -> dict[date, dict[str, int]]:
        """Active members per period by their lifecycle stage now ("" never evaluated)."""
        params = {
            "granularity": granularity,
            "starts": starts,
            "channel": channel,
            "known": known_until(as_of),
        }
        found: dict[date, dict[str, int]] = {}
        with self.pool.connection() as connection:
            for period, stage, active in connection.execute(STAGES, params).fetchall():
                found.setdefault(period, {})[stage] = int(active)
        return found

    def response_times(
        self, starts: list[date], ends: list[date], as_of: date | None
    ) -> dict[date, tuple[float, float]]:
        """(median, p90) seconds to first response of feedback submitted in each period."""
        params = {"starts": starts, "ends": ends, "known": known_until(as_of)}
        with self.pool.connection() as connection:
            rows = connection.execute(RESPONSES, params).fetchall()
        return {start: (float(median), float(p90)) for start, median, p90 in rows}

    def first_seen(self, start: date, end: date, low: date, high: date) -> list[MemberFacts]:
        """Counted members first seen in [low, high), with their days in [start, end)."""
        params = {"low": instant(low), "high": instant(high), "start": start, "end": end}
        days: dict[object, dict[date, int]] = defaultdict(dict)
        first: dict[object, datetime] = {}
        with self.pool.connection() as connection:
            rows = connection.execute(COHORTS, params).fetchall()
        for member, first_at, day, interactions in rows:
            days[member][day] = days[member].get(day, 0) + int(interactions)
            first[member] = first_at
        return [MemberFacts(str(m), first[m], None, d, ()) for m, d in days.items()]


def _facts(member: str, daily: dict[date, int], last_at: datetime | None) -> MemberFacts:
    last_day = max(daily)
    if last_at is None or last_at.astimezone(UTC).date() != last_day:
        last_at = instant(last_day)
    first = instant(min(daily))
    return MemberFacts(member, first, last_at, daily, (Spell(first),))
