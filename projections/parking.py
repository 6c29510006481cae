"""Parked events: what a projection could not apply, kept aside so that it can go on.

The engine parks an event in the transaction that moves the projection's position past
it (see projections/engine.py); an operator later retries it (`applied`) or gives up on
it (`skipped`). Rows stay for audit; only those still `parked` make a projection degraded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import Connection
from psycopg_pool import ConnectionPool

from projections.positions import EVENTS_TABLE

PARKED = "parked"
APPLIED = "applied"
SKIPPED = "skipped"
# Enough of an error to diagnose it; a stack trace belongs in the log.
MAX_ERROR_LENGTH = 2000

PARK = """
INSERT INTO parked_events AS p (projection, notification_id, originator_id,
    originator_version, topic, error, attempts)
VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (projection, notification_id) DO UPDATE SET
    error = EXCLUDED.error, attempts = EXCLUDED.attempts, parked_at = now(),
    status = 'parked', resolved_at = NULL
"""
# The stored events still parked, in log order, as the engine's page query returns them.
STILL_PARKED = f"""
SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state
FROM parked_events p
JOIN {EVENTS_TABLE} e ON e.notification_id = p.notification_id
WHERE p.projection = %s AND p.status = 'parked'
ORDER BY p.notification_id
"""
RESOLVE = """
UPDATE parked_events SET status = %s, resolved_at = now()
WHERE projection = %s AND notification_id = %s
"""
FAILED_AGAIN = """
UPDATE parked_events SET error = %s, attempts = attempts + 1
WHERE projection = %s AND notification_id = %s
"""


def describe(error: BaseException) -> str:
    """The error as stored: its class (the SQLSTATE's name for a database error) and message."""
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]


def park(
    conn: Connection[Any], projection: str, row: Sequence[Any], error: BaseException, attempts: int
) -> None:
    """Park one event (a row of the engine's page query), in the caller's transaction."""
    notification_id, originator_id, version, topic = row[:4]
    conn.execute(
        PARK,
        (projection, notification_id, originator_id, version, topic, describe(error), attempts),
    )


def still_parked(conn: Connection[Any], projection: str) -> list[tuple[Any, ...]]:
    """The projection's parked events as stored in the log, oldest first."""
    return conn.execute(STILL_PARKED, (projection,)).fetchall()


def resolve(conn: Connection[Any], projection: str, notification_id: int, status: str) -> None:
    """Mark one parked event applied (or skipped)."""
    conn.execute(RESOLVE, (status, projection, notification_id))


def failed_again(
    conn: Connection[Any], projection: str, notification_id: int, error: BaseException
) -> None:
    """Record another failed attempt of a parked event, which stays parked."""
    conn.execute(FAILED_AGAIN, (describe(error), projection, notification_id))


def forget_parked(conn: Connection[Any], projection: str) -> None:
    """Drop the events still parked: a rebuild applies the whole log again, them included."""
    conn.execute(
        "DELETE FROM parked_events WHERE projection = %s AND status = 'parked'", (projection,)
    )


def skip_parked(pool: ConnectionPool, names: Sequence[str]) -> dict[str, int]:
    """Give up on the events parked by these projections; returns how many, per projection."""
    with pool.connection() as conn:
        skipped = conn.execute(
            "UPDATE parked_events SET status = 'skipped', resolved_at = now()"
            " WHERE projection = ANY(%s) AND status = 'parked' RETURNING projection",
            (list(names),),
        ).fetchall()
    counts = dict.fromkeys(names, 0)
    for (name,) in skipped:
        counts[name] += 1
    return counts


def parked_counts(pool: ConnectionPool, names: Sequence[str]) -> dict[str, int]:
    """How many events each named projection has parked (0 for none)."""
    with pool.connection() as conn:
        found = conn.execute(
            "SELECT projection, count(*) FROM parked_events"
            " WHERE projection = ANY(%s) AND status = 'parked' GROUP BY projection",
            (list(names),),
        ).fetchall()
    counts = dict.fromkeys(names, 0)
    counts.update({name: int(count) for name, count in found})
    return counts
