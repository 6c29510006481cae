"""Feedback read-model rows written as the projection writes them, for the export tests.

The exports read only the read model; writing its rows directly lets a test choose texts,
times and positions exactly, and commit changes in position order as the projection does.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from projections.personal import FEEDBACK_TEXT, PersonalData, seal_value

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Positions of test rows lie far past any notification id the test database will reach.
FIRST_POSITION = 1_000_000_000
_positions = itertools.count(FIRST_POSITION)


@dataclass(frozen=True)
class Seeded:
    """An item written to the read model."""

    item_id: UUID
    author_id: UUID
    text: str | None
    position: int


def next_position() -> int:
    """A position after every one handed out so far (changes commit in this order)."""
    return next(_positions)


def write_item(
    pool: ConnectionPool,
    personal: PersonalData,
    *,
    author_id: UUID | None = None,
    text: str | None = "It works",
    source_url: str | None = None,
    submitted_at: datetime = START,
    **columns: Any,
) -> Seeded:
    """One new item at the next position, sealed under its author's key (made if missing)."""
    author = author_id or uuid.uuid4()
    item_id = uuid.uuid4()
    key = personal.keyring.key_for(author, create=True)
    sealed = seal_value(key, {"text": text, "source_url": source_url}, FEEDBACK_TEXT, item_id)
    values: dict[str, Any] = {
        "item_id": item_id,
        "author_id": author,
        "channel": "discord",
        "kind": "feature_request",
        "sealed_text": sealed,
        "status": "open",
        "submitted_at": submitted_at,
        "version": 1,
        "position": next_position(),
        "changed_at": submitted_at,
        "status_changed_at": submitted_at,
        **columns,
    }
    names = ", ".join(values)
    marks = ", ".join(f"%({name})s" for name in values)
    with pool.connection() as conn, conn.transaction():
        conn.execute(f"INSERT INTO feedback_items ({names}) VALUES ({marks})", values)
        _history(conn, item_id, values["position"], "submitted", submitted_at)
    return Seeded(item_id, author, text, values["position"])


def touch(pool: ConnectionPool, item_ids: list[UUID], change: str = "status_changed") -> int:
    """One commit changing these items, at the next position; returns the position."""
    position = next_position()
    with pool.connection() as conn, conn.transaction():
        conn.execute(
            "UPDATE feedback_items SET position = %s, version = version + 1"
            " WHERE item_id = ANY(%s)",
            (position, item_ids),
        )
        for item_id in item_ids:
            _history(conn, item_id, position, change, START + timedelta(seconds=position % 10_000))
    return position


def _history(conn: Any, item_id: UUID, position: int, change: str, at: datetime) -> None:
    conn.execute(
        "INSERT INTO feedback_history (item_id, position, change, at) VALUES (%s, %s, %s, %s)",
        (item_id, position, change, at),
    )
