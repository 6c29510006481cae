"""The spikes' reads (application.health.spike_ports.SpikeSources) over the health rollups
and feedback_supports; counted members only, as known at the end of asOf's UTC day.

A span's spikes are explained together: each kind of cause is one query over every spike
day at once (the days unnested), never one query per spike. Channels come from the daily
rollups (health_daily); threads and events from the threads rollup of the spike days
(health_threads), each thread's usual level from its own rows in the window; newcomers
from the newcomers rollup (health_newcomers); supporters from feedback_supports by date.
The rollups are deltas tagged by the day recorded (projections/health/spike_rollups.py):
as known at asOf is the sum of those recorded by then, as the spikes themselves are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from psycopg_pool import ConnectionPool

from domain.health import CommunityEvent, Usage
from domain.health.windows import Evidence, SpikeDays, SpikeNote
from projections.health.spike_rollups import EVENT_KINDS

DAILY = """
SELECT day, sum(interactions)::bigint FROM health_daily
WHERE day >= %(start)s AND day < %(end)s AND recorded_day <= %(as_of)s
    AND (%(channel)s = '' OR channel = %(channel)s)
GROUP BY day
"""
# The spike days as UTC instants. The queries below start from the spike days, each day's
# rows read by a LATERAL range of an index, kept apart by OFFSET 0 (joined, the planner
# misjudges the unnested ranges and may scan the whole table).
_SPIKES = "SELECT d AS day, d::timestamp AT TIME ZONE 'UTC' AS at FROM unnest(%(days)s::date[]) d"
# Per channel: the day's interactions and the trailing window's mean per day.
CHANNELS = """
SELECT s.day, d.channel,
    coalesce(sum(d.interactions) FILTER (WHERE d.day = s.day), 0)::float8,
    coalesce(sum(d.interactions) FILTER (WHERE d.day < s.day), 0)::float8 / %(window)s
FROM unnest(%(days)s::date[]) AS s(day)
JOIN health_daily d ON d.day >= s.day - %(window)s AND d.day <= s.day
WHERE d.recorded_day <= %(as_of)s AND (%(channel)s = '' OR d.channel = %(channel)s)
GROUP BY s.day, d.channel
"""
_KNOWN = "recorded_day <= %(as_of)s AND (%(channel)s = '' OR channel = %(channel)s)"
_EVENT_KINDS = ", ".join(f"'{kind}'" for kind in EVENT_KINDS)
# The spike days' thread rows, read once: the busiest threads of each day with their mean
# per day over the window (the thread's own rows, by health_threads_thread_idx), and the
# events held, in a thread or not (the day's event kinds in health_daily less the threads').
THREADS_AND_EVENTS = f"""
WITH seen AS MATERIALIZED (
    SELECT s.day, t.thread_ref, t.channel, t.kind, sum(t.interactions) AS n
    FROM unnest(%(days)s::date[]) AS s(day) CROSS JOIN LATERAL (
        SELECT thread_ref, channel, kind, interactions FROM health_threads
        WHERE day = s.day AND {_KNOWN} OFFSET 0) AS t
    GROUP BY 1, 2, 3, 4 HAVING sum(t.interactions) > 0),
busiest AS (
    SELECT day, thread_ref, sum(n) AS n,
        row_number() OVER (PARTITION BY day ORDER BY sum(n) DESC, thread_ref) AS r
    FROM seen GROUP BY day, thread_ref),
held AS (
    SELECT s.day, d.channel, d.kind, sum(d.interactions) AS n
    FROM unnest(%(days)s::date[]) AS s(day) CROSS JOIN LATERAL (
        SELECT channel, kind, interactions FROM health_daily
        WHERE day = s.day AND kind IN ({_EVENT_KINDS}) AND {_KNOWN} OFFSET 0) AS d
    GROUP BY 1, 2, 3),
threaded AS (SELECT day, channel, kind, sum(n) AS n FROM seen WHERE kind <> '' GROUP BY 1, 2, 3)
SELECT 'thread', b.day, b.thread_ref, b.n::float8, coalesce(w.n, 0)::float8 / %(window)s
FROM busiest b CROSS JOIN LATERAL (
    SELECT sum(interactions) AS n FROM health_threads
    WHERE thread_ref = b.thread_ref AND day >= b.day - %(window)s AND day < b.day
        AND {_KNOWN}) AS w
WHERE b.r <= %(candidates)s
UNION ALL
SELECT DISTINCT 'event', day, name, 0::float8, 0::float8 FROM (
    SELECT day, thread_ref AS name FROM seen WHERE kind <> ''
    UNION ALL
    SELECT h.day, h.kind || ' on ' || h.channel FROM held h LEFT JOIN threaded t
        USING (day, channel, kind)
    WHERE h.n > coalesce(t.n, 0)) AS e
"""
# Members whose first interaction ever is in the window, per source channel: each covered
# day's few rows (source and recorded day) of health_newcomers.
NEWCOMERS = """
SELECT s.day, nullif(n.source_channel, ''),
    coalesce(sum(n.members) FILTER (WHERE n.day = s.day), 0)::float8,
    coalesce(sum(n.members) FILTER (WHERE n.day < s.day), 0)::float8 / %(window)s
FROM unnest(%(days)s::date[]) AS s(day) CROSS JOIN LATERAL (
    SELECT day, source_channel, members FROM health_newcomers
    WHERE day >= s.day - %(window)s AND day <= s.day AND recorded_day <= %(as_of)s
    OFFSET 0) AS n
GROUP BY s.day, n.source_channel HAVING sum(n.members) > 0
"""
# Supporters gained per feedback item (supports are dated when recorded); a merged
# member's support counts while its person does.
FEEDBACK = f"""
WITH spike AS ({_SPIKES})
SELECT s.day, f.item_id::text,
    count(*) FILTER (WHERE f.supported_at >= s.at)::float8,
    count(*) FILTER (WHERE f.supported_at < s.at)::float8 / %(window)s
FROM spike s CROSS JOIN LATERAL (
    SELECT item_id, supported_at FROM feedback_supports
    WHERE supported_at >= s.at - %(window)s * interval '1 day'
        AND supported_at < s.at + interval '1 day' AND supported_at < %(known)s
        AND EXISTS (SELECT FROM health_members h WHERE h.member_id = feedback_supports.member_id
            AND (h.counted OR EXISTS (SELECT FROM health_members p
                WHERE p.member_id = h.counted_as AND p.counted)))
    OFFSET 0) AS f
GROUP BY s.day, f.item_id
"""
ANNOTATIONS = """
SELECT annotation_id, day, channel, cause, annotated_by, at FROM health_annotations
WHERE day >= %s AND day < %s AND channel = %s
ORDER BY day, at, position
"""
MAX_NAMES = 20  # channels, sources and events listed per spike at most
CANDIDATES = 4  # a spike day's busiest threads, times the limit, weighed against their usual


class SpikeSourcesSql:
    """SpikeSources over the read models of a pool."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def daily(
        self, start: date, end: date, channel: str, as_of: date | None = None
    ) -> list[tuple[date, int]]:
        """Every day of [start, end) with its interactions, from the daily rollups."""
        params = {"start": start, "end": end, "channel": channel, "as_of": as_of or date.max}
        with self.pool.connection() as connection:
            known = {day: int(n) for day, n in connection.execute(DAILY, params).fetchall()}
        days = (end - start).days
        return [(d, known.get(d, 0)) for d in (start + timedelta(n) for n in range(days))]

    def evidence(self, spikes: SpikeDays, limit: int) -> dict[date, Evidence]:
        """Four queries for all the spike days, on one connection."""
        found: dict[date, Evidence] = {day: Evidence() for day in spikes.days}
        if not spikes.days:
            return found
        params = {
            "days": list(spikes.days),
            "window": spikes.window,
            "channel": spikes.channel,
            "as_of": spikes.as_of or date.max,
            "known": _known(spikes.as_of),
            "candidates": CANDIDATES * limit,
        }
        with self.pool.connection() as connection, connection.transaction():
            # Estimates over unnested days are loose: JIT compiling would cost more than
            # the queries take.
            connection.execute("SET LOCAL jit = off")

            def rows(query: str) -> list[tuple[Any, ...]]:
                return connection.execute(query, params).fetchall()

            if not spikes.channel:  # on one channel, the channel itself explains nothing
                _usages(found, rows(CHANNELS), lambda e: e.channels, MAX_NAMES)
            threads: list[Any] = []
            events: list[Any] = []
            for kind, *row in rows(THREADS_AND_EVENTS):
                (threads if kind == "thread" else events).append(row)
            _usages(found, threads, lambda e: e.threads, limit)
            _usages(found, rows(FEEDBACK), lambda e: e.feedback, limit)
            _usages(found, rows(NEWCOMERS), lambda e: e.newcomers, MAX_NAMES)
        for day, name, _, _ in sorted(events, key=lambda row: (row[0], row[1])):
            if len(found[day].events) < MAX_NAMES:
                found[day].events.append(CommunityEvent(name, day))
        return found

    def annotations(self, start: date, end: date, channel: str) -> Sequence[SpikeNote]:
        with self.pool.connection() as connection:
            rows = connection.execute(ANNOTATIONS, (start, end, channel)).fetchall()
        return [SpikeNote(*row) for row in rows]


def _known(as_of: date | None) -> datetime:
    """The first instant not known at the end of the UTC day `as_of` (None: everything)."""
    if as_of is None:
        return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(as_of + timedelta(days=1), time(), tzinfo=UTC)


def _usages(
    found: dict[date, Evidence],
    rows: Iterable[Sequence[Any]],
    into: Callable[[Evidence], list[Usage]],
    limit: int,
) -> None:
    """Each day's usages, furthest above their usual level first, at most `limit`."""
    per_day: dict[date, list[Usage]] = defaultdict(list)
    for day, name, observed, usual in rows:
        per_day[day].append(Usage(str(name), float(observed), float(usual)))
    for day, usages in per_day.items():
        usages.sort(key=lambda u: (u.usual - u.observed, u.name))
        into(found[day]).extend(usages[:limit])
