"""Live updates' side of the engine: a projection's commits announced, and what they held.

A projection marked `announced` has every page it commits announced on POSITIONS_CHANNEL
with its name and new position (NOTIFY is delivered at commit, never for a rolled-back
page): servers follow those to push changes to their subscribers, whichever process
(a `crm serve` or a `crm worker`) ran the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from psycopg import Connection
from psycopg_pool import ConnectionPool

from projections.positions import EVENTS_TABLE

POSITIONS_CHANNEL = "projection_positions"
# Sent with the page: the position row is updated and announced in one statement.
MOVE_AND_ANNOUNCE = f"""
WITH moved AS (
    UPDATE projection_positions SET position = %(position)s, updated_at = now()
    WHERE name = %(name)s RETURNING name, position
)
SELECT pg_notify('{POSITIONS_CHANNEL}', name || ' ' || position) FROM moved
"""
# The same, unannounced: for projections no listener follows.
MOVE = """
UPDATE projection_positions SET position = %(position)s, updated_at = now()
WHERE name = %(name)s
"""
ORIGINATORS = f"""
SELECT DISTINCT originator_id FROM {EVENTS_TABLE}
WHERE notification_id > %s AND notification_id <= %s AND topic = ANY(%s)
"""


def announced_names() -> list[str]:
    """The projections whose commits are announced."""
    from projections.registry import all_projections  # the registry names every context

    return [p.name for p in all_projections() if p.announced]


def parse_announcement(payload: str) -> tuple[str, int] | None:
    """(projection, position) of an announcement's payload; None when malformed."""
    name, _, position = payload.rpartition(" ")
    if not name or not position.isdigit():
        return None
    return name, int(position)


def stored_positions(pool: ConnectionPool, names: Iterable[str]) -> dict[str, int]:
    """Where each named projection stands (0 for one that never ran)."""
    wanted = list(names)
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT name, position FROM projection_positions WHERE name = ANY(%s)", (wanted,)
        ).fetchall()
    found = {name: int(position) for name, position in rows}
    return {name: found.get(name, 0) for name in wanted}


def originators(pool: ConnectionPool, topics: Iterable[str], after: int, until: int) -> set[UUID]:
    """The aggregates with events of these topics in the span (after, until] of the log."""
    with pool.connection() as conn:
        rows = conn.execute(ORIGINATORS, (after, until, sorted(topics))).fetchall()
    return {row[0] for row in rows}


def move_position(conn: Connection[Any], name: str, position: int, *, announce: bool) -> None:
    """Move a projection's position in the page's transaction; announced to listeners
    (subscriptions, read-your-writes waiters) when `announce`."""
    conn.execute(MOVE_AND_ANNOUNCE if announce else MOVE, {"position": position, "name": name})
