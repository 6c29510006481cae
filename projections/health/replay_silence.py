"""Silence deltas of the rebuild's late members, streamed: each recorded day changes only
the periods of the days it made known and of the days right after them."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import groupby
from typing import Any

import psycopg

from domain.health.periods import Granularity
from projections.health.periods import ROLLED_UP, period_of
from projections.health.rollups import period_silence

LATE_SILENCE = """
CREATE TEMP TABLE hr_late_silence (member_id uuid, klass text, rday date, g text, scope text,
    p date, bucket int, delta int) ON COMMIT DROP
"""
LATE_DAYS = """
SELECT member_id, klass, scope, oday, fk FROM hr_sd WHERE late
ORDER BY member_id, klass, scope, fk, oday
"""
FETCH = 20_000
FLUSH = 50_000
Row = tuple[Any, str, date, str, str, date, int, int]


def late_silences(cursor: psycopg.Cursor[Any]) -> None:
    """Fill hr_late_silence: for members with a day that became known after a later one,
    each recorded day's silence buckets moved (old bucket -1, new +1), as live does."""
    cursor.execute(LATE_SILENCE)
    out: list[Row] = []
    with cursor.connection.cursor(name="hr_late_days") as days:
        days.execute(LATE_DAYS)
        for (member, klass, scope), found in groupby(_stream(days), key=lambda r: r[:3]):
            out.extend(member_moves(member, klass, scope, ((r[3], r[4]) for r in found)))
            if len(out) >= FLUSH:
                _copy(cursor, out)
                out = []
    _copy(cursor, out)


def member_moves(
    member: Any, klass: str, scope: str, found: Iterable[tuple[date, date]]
) -> Iterator[Row]:
    """One member's (and channel's) silence moves, its (active day, known day) pairs in
    known-day order."""
    known: list[date] = []
    state: dict[tuple[Granularity, date], int | None] = {}
    for recorded, group in groupby(found, key=lambda pair: pair[1]):
        new = [active for active, _ in group]
        for active in new:
            insort(known, active)
        touched = set(new)
        for active in new:
            after = bisect_left(known, active) + 1
            if after < len(known):
                touched.add(known[after])
        for granularity in ROLLED_UP:
            for period in sorted({period_of(granularity.value, d) for d in touched}):
                old = state.get((granularity, period))
                now = period_silence(known, granularity, period)
                state[(granularity, period)] = now
                if old == now:
                    continue
                for bucket, delta in ((old, -1), (now, 1)):
                    if bucket is not None:
                        g = granularity.value
                        yield (member, klass, recorded, g, scope, period, bucket, delta)


def _stream(days: psycopg.Cursor[Any]) -> Iterator[tuple[Any, ...]]:
    while batch := days.fetchmany(FETCH):
        yield from batch


def _copy(cursor: psycopg.Cursor[Any], rows: list[Row]) -> None:
    if rows:
        with cursor.copy("COPY hr_late_silence FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
