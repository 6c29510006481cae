"""The health projection's set-based rebuild: every health table from the staging tables."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from projections.health.replay_silence import late_silences
from projections.health.replay_sql import (
    AGGREGATE,
    AGGREGATED,
    EVENTS,
    FIRST_LAST_DAYS,
    FLAGGED,
    MASKED,
    MEMBER_DAYS,
    PERIOD_DAYS,
    SILENCE_DAYS,
    STAGE_DAYS,
    WRITE_DELTAS,
)
from projections.health.replay_state_sql import WRITE_STATE
from projections.health.rollups import SILENCE_CAP
from projections.replay import restore_indexes, strip_indexes

log = logging.getLogger(__name__)

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
    "health_threads",
    "health_member_threads",
    "health_newcomers",
)
BULK = (
    "health_member_periods",
    "health_rollups",
    "health_counts",
    "health_daily",
    "health_threads",
    "health_member_threads",
)
# The replay's sorts and hashes (and the indexes built at its end) in memory, not in
# temp files: the transaction's alone, the server's default left as it is.
# JIT off: compiling its ~30 statements cost more than it saved.
MEMORY = (
    "SET LOCAL work_mem = '256MB'",
    "SET LOCAL maintenance_work_mem = '512MB'",
    "SET LOCAL jit = off",
)


def replay_staged(cursor: psycopg.Cursor[Any]) -> None:
    """Fill every health read table from the staged interactions and members, then empty
    the staging tables: the rows the live projection writes, less its zero deltas.

    Log order is `seq`; a recorded day is taken to follow it (as the event store's
    timestamps do). Members without staged flag changes count, or not, as
    health_replay_members says, throughout.
    """
    for setting in MEMORY:
        cursor.execute(setting)
    tables = sql.SQL(", ").join(sql.Identifier(t) for t in READ_MODEL)
    cursor.execute(sql.SQL("TRUNCATE {}").format(tables))
    with _step("interactions kept, per period, per day, first and last"):
        for statement in (EVENTS, PERIOD_DAYS, MEMBER_DAYS, FIRST_LAST_DAYS):
            cursor.execute(statement)
    with _step("silence and stage days"):
        cursor.execute(SILENCE_DAYS, {"cap": SILENCE_CAP})
        cursor.execute(STAGE_DAYS)
        for table in ("hr_ev", "hr_mpd", "hr_md", "hr_fl", "hr_sd", "hr_stages"):
            cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
    with _step("late silences"):
        late_silences(cursor)
    with _step("deltas aggregated"):
        cursor.execute(AGGREGATE)
        for statement in AGGREGATED:
            cursor.execute(statement, {"classes": ["c"]})
        if cursor.execute("SELECT EXISTS (SELECT FROM health_replay_flags)").fetchone() != (False,):
            cursor.execute(FLAGGED, {"classes": ["f"]})
            cursor.execute(MASKED)
    # Filled without their keys and indexes, built once each at the end: far faster.
    stripped = strip_indexes(cursor, BULK)
    with _step("read model written"):
        for statement in (*WRITE_DELTAS, *WRITE_STATE):
            cursor.execute(statement)
    with _step("indexes built"):
        restore_indexes(cursor, stripped)
    staging = sql.SQL(", ").join(sql.Identifier(t) for t in STAGING)
    cursor.execute(sql.SQL("TRUNCATE {}").format(staging))


@contextmanager
def _step(name: str) -> Iterator[None]:
    """Log how long a step of the finish took: at a million members it takes minutes."""
    started = time.perf_counter()
    yield
    log.info("health rebuild: %s in %.1f s", name, time.perf_counter() - started)
