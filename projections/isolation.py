"""Applying events one part at a time, to find the poison events of a failing page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg

from projections.parking import APPLIED, failed_again, resolve, still_parked
from projections.positions import RuleChanged
from projections.projection import ProjectionMisconfigured

# Failures that say nothing about the events, so they are never parked: a lost or busy
# database (connection, deadlock, timeout, disk full), a wrong schema or query (a missing
# table, column or privilege: every event would fail), a changed rule, a projection built
# without what it needs. Retried as a whole.
NOT_POISON: tuple[type[Exception], ...] = (
    psycopg.OperationalError,
    psycopg.ProgrammingError,
    psycopg.InterfaceError,
    RuleChanged,
    ProjectionMisconfigured,
)

# How a page of decoded events is applied: a projection's `apply` or `apply_replay`.
Apply = Callable[[psycopg.Cursor[Any], Sequence[Any]], None]
# How rows of the engine's page query become domain events.
Decode = Callable[[Sequence[tuple[Any, ...]]], list[Any]]
Row = tuple[Any, ...]


def apply_isolating(
    conn: psycopg.Connection[Any], apply: Apply, decode: Decode, rows: Sequence[Row]
) -> list[tuple[Row, Exception]]:
    """Apply rows in log order, halving a failing part down to the events that fail alone.

    Each part runs in a savepoint, so a failed part leaves nothing behind: the others are
    applied as if the poison events were not in the log. Returns those events and errors.
    A failure that says nothing about the events (NOT_POISON) is raised.
    """
    try:
        with conn.transaction(), conn.cursor() as cursor:
            apply(cursor, decode(rows))
        return []
    except NOT_POISON:
        raise
    except Exception as failure:
        if len(rows) == 1:
            return [(rows[0], failure)]
        half = len(rows) // 2
        return [
            *apply_isolating(conn, apply, decode, rows[:half]),
            *apply_isolating(conn, apply, decode, rows[half:]),
        ]


def apply_parked(
    conn: psycopg.Connection[Any], projection: str, apply: Apply, decode: Decode
) -> tuple[int, int]:
    """Apply a projection's parked events, each alone, in log order: (applied, still parked)."""
    applied = failed = 0
    for row in still_parked(conn, projection):
        try:
            with conn.transaction(), conn.cursor() as cursor:
                apply(cursor, decode([row]))
        except NOT_POISON:
            raise
        except Exception as error:
            failed_again(conn, projection, row[0], error)
            failed += 1
        else:
            resolve(conn, projection, row[0], APPLIED)
            applied += 1
    return applied, failed
