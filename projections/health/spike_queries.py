"""The spikes' reads (application.health.spike_ports.SpikeSources) over the health rollups,
member_interactions, members and feedback_supports; counted members only.

A span's spikes are explained together: each kind of cause is one query over every spike
day at once (the days unnested), never one query per spike. Channels come from the daily
rollups; threads and events from the spike days' interactions (member_interactions by
occurred_at), each thread's usual level from its own rows in the window (by thread_ref and
occurred_at); newcomers from
health_members by first interaction; supporters from feedback_supports by date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from psycopg_pool import ConnectionPool

from domain.health import CommunityEvent, Usage
from domain.health.windows import Evidence, SpikeDays, SpikeNote

DAILY = """
SELECT day, sum(interactions)::bigint FROM health_daily
WHERE day >= %(start)s AND day < %(end)s AND recorded_day <= %(as_of)s
    AND (%(channel)s = '' OR channel = %(channel)s)
GROUP BY day
"""
# The spike days as UTC instants; every query below starts from them, each day's rows read
# by a LATERAL range of an index, kept apart by OFFSET 0 (joined, the planner misjudges the
# unnested ranges and may scan the whole table).
_SPIKES = "SELECT d AS day, d::timestamp AT TIME ZONE 'UTC' AS at FROM unnest(%(days)s::date[]) d"
# Staff, bots and erased members are few: a partial index finds them (migration 0024), and
# NOT IN hashes them once for the whole query (member ids are never null).
_COUNTED = "{0} NOT IN (SELECT member_id FROM health_members WHERE NOT counted)"
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
# The spike days' interactions, read once: the busiest threads of each day with their
# mean per day over the window (from the thread's own rows), and the events held.
THREADS_AND_EVENTS = f"""
WITH spike AS ({_SPIKES}),
seen AS MATERIALIZED (
    SELECT s.day, i.thread_ref, i.kind, i.channel, count(*) AS n
    FROM spike s CROSS JOIN LATERAL (
        SELECT thread_ref, kind, channel FROM member_interactions
        WHERE occurred_at >= s.at AND occurred_at < s.at + interval '1 day'
            AND recorded_at < %(known)s AND (%(channel)s = '' OR channel = %(channel)s)
            AND {_COUNTED.format("member_id")}
        OFFSET 0) AS i
    GROUP BY s.day, i.thread_ref, i.kind, i.channel),
busiest AS (
    SELECT day, thread_ref, sum(n) AS n,
        row_number() OVER (PARTITION BY day ORDER BY sum(n) DESC, thread_ref) AS r
    FROM seen WHERE thread_ref IS NOT NULL GROUP BY day, thread_ref)
SELECT 'thread', b.day, b.thread_ref, b.n::float8, w.n::float8 / %(window)s
FROM busiest b CROSS JOIN LATERAL (
    SELECT count(*) AS n FROM member_interactions i -- by thread and time (migration 0024)
    WHERE i.thread_ref = b.thread_ref
        AND i.occurred_at >= (b.day - %(window)s)::timestamp AT TIME ZONE 'UTC'
        AND i.occurred_at < b.day::timestamp AT TIME ZONE 'UTC'
        AND i.recorded_at < %(known)s AND (%(channel)s = '' OR i.channel = %(channel)s)
        AND {_COUNTED.format("i.member_id")}) AS w
WHERE b.r <= %(candidates)s
UNION ALL
SELECT DISTINCT 'event', day, coalesce(thread_ref, kind || ' on ' || channel), 0, 0
FROM seen WHERE kind IN ('event_hosted', 'event_attended', 'talk_given')
"""
# Members whose first interaction ever is in the window, per source channel. Spike windows
# overlap, so each covered day's newcomers are read once (an index-only range, migration
# 0029) and counted per day and source, then summed per spike; the source is one probe of
# members_source_idx per newcomer (a join would hash every member); as of a day, only those whose
# first interaction was recorded by then (one probe of their own interactions each).
_NEWCOMERS = f"""
WITH spike AS ({_SPIKES}),
covered AS (
    SELECT DISTINCT w::date AS day FROM spike s,
        generate_series(s.day - %(window)s, s.day, interval '1 day') AS w),
arrived AS MATERIALIZED (
    SELECT c.day, h.member_id, h.first_at
    FROM covered c CROSS JOIN LATERAL (
        SELECT member_id, first_at FROM health_members
        WHERE counted AND first_at >= c.day::timestamp AT TIME ZONE 'UTC'
            AND first_at < (c.day + 1)::timestamp AT TIME ZONE 'UTC'
        OFFSET 0) AS h),
per_day AS (
    SELECT a.day, (SELECT m.source_channel FROM members m WHERE m.member_id = a.member_id)
        AS source, count(*) AS n
    FROM arrived a
    {{known}}
    GROUP BY a.day, source)
SELECT s.day, p.source,
    coalesce(sum(p.n) FILTER (WHERE p.day = s.day), 0)::float8,
    coalesce(sum(p.n) FILTER (WHERE p.day < s.day), 0)::float8 / %(window)s
FROM spike s JOIN per_day p ON p.day >= s.day - %(window)s AND p.day <= s.day
GROUP BY s.day, p.source
"""
NEWCOMERS = _NEWCOMERS.format(known="")
NEWCOMERS_AS_OF = _NEWCOMERS.format(
    known="WHERE (SELECT min(i.recorded_at) FROM member_interactions i"
    " WHERE i.member_id = a.member_id AND i.occurred_at = a.first_at) < %(known)s"
)
# Supporters gained per feedback item (supports are dated when recorded).
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
            AND h.counted)
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
# Newcomers are read beside the other causes, by these threads (a pool connection each).
_NEWCOMER_READER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="spike-newcomers")


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
        """Four queries for all the spike days: newcomers on a second connection, in parallel."""
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
        newcomers = NEWCOMERS if spikes.as_of is None else NEWCOMERS_AS_OF
        # Newcomers take as long as the other causes together: read beside them, on a
        # connection of their own (each statement sees its own snapshot either way).
        arrived = _NEWCOMER_READER.submit(self._rows, newcomers, params)
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
        _usages(found, arrived.result(), lambda e: e.newcomers, MAX_NAMES)
        for day, name, _, _ in sorted(events, key=lambda row: (row[0], row[1])):
            if len(found[day].events) < MAX_NAMES:
                found[day].events.append(CommunityEvent(name, day))
        return found

    def _rows(self, query: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """One query's rows on a connection of its own, JIT off as above."""
        with self.pool.connection() as connection, connection.transaction():
            connection.execute("SET LOCAL jit = off")
            return connection.execute(query, params).fetchall()

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
