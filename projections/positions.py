"""Projection positions: where each projection stands in the log, and waiting for one."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from psycopg import Connection
from psycopg_pool import ConnectionPool

EVENTS_TABLE = "community_events"


@dataclass(frozen=True)
class Lag:
    """How far a projection is behind the head of the log."""

    name: str
    position: int
    head: int
    rule_version: str | None = None

    @property
    def behind(self) -> int:
        """Notification ids not yet applied (gaps in ids make this an upper bound)."""
        return max(self.head - self.position, 0)


class RuleChanged(Exception):
    """A projection's rows were computed under another rule than the one configured."""


@dataclass(frozen=True)
class Position:
    """Where a projection stands, and what a rebuild in progress stripped (None if none)."""

    position: int
    replay: dict[str, Any] | None = None


def lock_position(conn: Connection[Any], name: str, rule_version: str | None = None) -> Position:
    """Lock the projection's row for this transaction and return where it stands.

    A projection whose rows depend on a rule records the rule's version when it starts
    from the beginning, and refuses to go on under another one.
    """
    conn.execute(
        "INSERT INTO projection_positions (name, rule_version) VALUES (%s, %s)"
        " ON CONFLICT DO NOTHING",
        (name, rule_version),
    )
    row = conn.execute(
        "SELECT position, rule_version, replay FROM projection_positions"
        " WHERE name = %s FOR UPDATE",
        (name,),
    ).fetchone()
    assert row is not None
    position, recorded, replay = int(row[0]), row[1], row[2]
    if rule_version is not None and recorded != rule_version:
        if position == 0:
            conn.execute(
                "UPDATE projection_positions SET rule_version = %s WHERE name = %s",
                (rule_version, name),
            )
        else:
            raise RuleChanged(
                f"{name} was computed with rule {recorded!r} but {rule_version!r} is"
                f" configured: run `crm project --rebuild {name}`"
            )
    return Position(position, replay)


def head_of_log(pool: ConnectionPool) -> int:
    """The highest notification id recorded so far (0 for an empty log)."""
    with pool.connection() as conn:
        row = conn.execute(
            f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS_TABLE}"
        ).fetchone()
    return int(row[0]) if row else 0


def lags(pool: ConnectionPool, names: list[str]) -> list[Lag]:
    """Position and lag of each named projection."""
    head = head_of_log(pool)
    with pool.connection() as conn:
        rows = {
            name: (position, rule)
            for name, position, rule in conn.execute(
                "SELECT name, position, rule_version FROM projection_positions"
                " WHERE name = ANY(%s)",
                (names,),
            ).fetchall()
        }
    return [
        Lag(name, int(rows.get(name, (0, None))[0]), head, rows.get(name, (0, None))[1])
        for name in names
    ]


class PositionWatcher:
    """Lets a request wait until a projection has applied a given notification.

    Runners in this process announce progress at once; positions reached by a worker in
    another process are seen by polling, so waiting works wherever projections run.
    """

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool
        self._known: dict[str, int] = {}
        self._changed = threading.Condition()

    def advanced(self, name: str, position: int) -> None:
        """Called by a runner after it committed a page."""
        with self._changed:
            self._known[name] = max(position, self._known.get(name, 0))
            self._changed.notify_all()

    def wait_for(self, name: str, position: int, timeout: float) -> bool:
        """Block until `name` has applied `position`; False when the timeout passes first."""
        deadline = time.monotonic() + timeout
        delay = 0.002
        while True:
            if self._known.get(name, 0) >= position or self._stored(name) >= position:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._changed:
                self._changed.wait(min(delay, remaining))
            delay = min(delay * 2, 0.05)

    def _stored(self, name: str) -> int:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT position FROM projection_positions WHERE name = %s", (name,)
            ).fetchone()
        position = int(row[0]) if row else 0
        with self._changed:
            self._known[name] = max(position, self._known.get(name, 0))
        return position
