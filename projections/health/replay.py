"""The health projection's set-based rebuild: every health table from the staging tables."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import psycopg
from psycopg import sql

from projections.health.periods import ROLLED_UP
from projections.health.replay_sql import (
    AGGREGATE,
    EVENTS,
    FLAGGED,
    MASKED,
    MEMBER_DAYS,
    PERIOD_DAYS,
    SILENCE_DAYS,
    STAGE_DAYS,
    WRITE_DELTAS,
    WRITE_STATE,
)
from projections.health.rollups import SILENCE_CAP, silences

STAGING = (
    "health_replay_interactions",
    "health_replay_members",
    "health_replay_flags",
    "health_replay_stages",
)
READ_MODEL = (
    "health_members",
    "health_member_periods",
    "health_counts",
    "health_daily",
    "health_member_lasts",
    "health_rollups",
    "health_rollup_totals",
    "health_membership_days",
    "health_cohorts",
)
LATE_SILENCE = """
CREATE TEMP TABLE hr_late_silence (member_id uuid, klass text, rday date, g text, scope text,
    p date, bucket int, delta int) ON COMMIT DROP
"""


def replay_staged(cursor: psycopg.Cursor[Any]) -> None:
    """Fill every health read table from the staged interactions and members, then empty
    the staging tables: the rows the live projection writes, less its zero deltas.

    Log order is `seq`; a recorded day is taken to follow it (as the event store's
    timestamps do). Members without staged flag changes count, or not, as
    health_replay_members says, throughout.
    """
    tables = sql.SQL(", ").join(sql.Identifier(t) for t in READ_MODEL)
    cursor.execute(sql.SQL("TRUNCATE {}").format(tables))
    for statement in (EVENTS, PERIOD_DAYS, MEMBER_DAYS):
        cursor.execute(statement)
    cursor.execute(SILENCE_DAYS, {"cap": SILENCE_CAP})
    cursor.execute(STAGE_DAYS)
    for table in ("hr_ev", "hr_mpd", "hr_md", "hr_sd", "hr_stages"):
        cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
    _late_silences(cursor)
    cursor.execute(AGGREGATE, {"classes": ["c"]})
    cursor.execute(FLAGGED, {"classes": ["f"]})
    cursor.execute(MASKED)
    for statement in (*WRITE_DELTAS, *WRITE_STATE):
        cursor.execute(statement)
    staging = sql.SQL(", ").join(sql.Identifier(t) for t in STAGING)
    cursor.execute(sql.SQL("TRUNCATE {}").format(staging))


def _late_silences(cursor: psycopg.Cursor[Any]) -> None:
    """Silence deltas of members with a day that became known after a later one: each
    recorded day's silences from all the days known by then (few members, in Python)."""
    cursor.execute(LATE_SILENCE)
    days: dict[tuple[Any, str, str], list[tuple[date, date]]] = defaultdict(list)
    for member, klass, scope, active, known in cursor.execute(
        "SELECT member_id, klass, scope, oday, fk FROM hr_sd WHERE late"
    ).fetchall():
        days[(member, klass, scope)].append((active, known))
    rows: list[tuple[Any, ...]] = []
    for (member, klass, scope), found in days.items():
        for granularity in ROLLED_UP:
            before: dict[date, int | None] = {}
            for recorded in sorted({known for _, known in found}):
                now = silences((d for d, known in found if known <= recorded), granularity)
                for period in before.keys() | now.keys():
                    old, new = before.get(period), now.get(period)
                    if old == new:
                        continue
                    for bucket, delta in ((old, -1), (new, 1)):
                        if bucket is not None:
                            row = (member, klass, recorded, granularity.value, scope, period)
                            rows.append((*row, bucket, delta))
                before = now
    if rows:
        with cursor.copy("COPY hr_late_silence FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
