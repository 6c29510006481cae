"""Shared helpers of the integration tests: a counting projection, fresh databases, snapshots."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, ClassVar

import psycopg
import pytest
from psycopg import Cursor
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from api.bootstrap import use_cases
from api.projection_wiring import build_runners
from application.crypto import KeyRing
from application.interactions.ports import AfterRecording
from application.runtime import Runtime
from domain.interactions.interaction import Interaction
from domain.members.member import Member
from projections.engine import ProjectionRunner
from projections.personal import ATTRIBUTES, CONTENT, EMAIL, HANDLE, open_value
from projections.projection import Projection
from tests.conftest import TEST_SECRET, create_database, drop_database

# Every topic a Member can record, so that a test projection sees the whole log.
COUNTED_TOPICS: frozenset[str] = frozenset(
    {
        Interaction.Recorded.TOPIC,
        *(
            kind.TOPIC
            for kind in vars(Member).values()
            if isinstance(kind, type) and issubclass(kind, Member.Event) and "TOPIC" in vars(kind)
        ),
    }
)

COUNTING_DDL = """
CREATE TABLE counted_events (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL
);
CREATE TABLE counted_totals (
    id integer PRIMARY KEY DEFAULT 1,
    applied bigint NOT NULL
);
"""


class CountingProjection(Projection):
    """Records every event it is given, with no uniqueness: a double shows as a double."""

    name: ClassVar[str] = "counting"
    tables: ClassVar[tuple[str, ...]] = ("counted_events", "counted_totals")
    topics: ClassVar[frozenset[str]] = COUNTED_TOPICS

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Append one row per event and add the page's size to a running total."""
        cursor.executemany(
            "INSERT INTO counted_events (originator_id, originator_version) VALUES (%s, %s)",
            [(e.originator_id, e.originator_version) for e in events],
        )
        cursor.execute(
            "INSERT INTO counted_totals (id, applied) VALUES (1, %s)"
            " ON CONFLICT (id) DO UPDATE SET applied = counted_totals.applied + EXCLUDED.applied",
            (len(events),),
        )


def create_counting_tables(url: str) -> None:
    """Create the tables of CountingProjection in a test database."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(COUNTING_DDL)


def counting_runner(
    runtime: Runtime, projection: Projection | None = None, *, batch_size: int = 10
) -> ProjectionRunner:
    """A runner of the counting projection (or a subclass) on the runtime's pool."""
    return ProjectionRunner(
        runtime.pool,
        runtime.community.mapper,
        projection or CountingProjection(),
        batch_size=batch_size,
    )


def scalar(url: str, query: str, params: Sequence[Any] = ()) -> Any:
    """The single value a query returns."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


def rows(url: str, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """All rows a query returns."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, params).fetchall()


def execute(url: str, query: str, params: Sequence[Any] = ()) -> int:
    """Run one statement in its own transaction; returns the rows it affected."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, params).rowcount


def counting_state(url: str) -> tuple[int, int, int]:
    """(rows recorded, distinct events recorded, running total) of the counting projection."""
    recorded, distinct = rows(
        url,
        "SELECT count(*), count(DISTINCT (originator_id, originator_version)) FROM counted_events",
    )[0]
    total = scalar(url, "SELECT coalesce(sum(applied), 0) FROM counted_totals")
    return int(recorded), int(distinct), int(total)


def assert_counted_exactly_once(url: str) -> int:
    """Every event of the log was recorded once, none twice, none invented; returns how many."""
    events = int(scalar(url, "SELECT count(*) FROM community_events"))
    assert counting_state(url) == (events, events, events)
    missing = scalar(
        url,
        "SELECT count(*) FROM community_events e WHERE NOT EXISTS (SELECT 1 FROM counted_events c"
        " WHERE c.originator_id = e.originator_id"
        " AND c.originator_version = e.originator_version)",
    )
    assert missing == 0
    return events


def expected_member_counts(url: str) -> dict[tuple[str, str], int]:
    """The member_counts the members table implies, counted with COUNT(*)."""
    found = rows(
        url,
        "SELECT 'status', status, count(*) FROM members GROUP BY status"
        " UNION ALL SELECT 'tag:' || status, t, count(*) FROM members, unnest(tags) t"
        " GROUP BY status, t"
        " UNION ALL SELECT 'channel:' || status, c, count(*) FROM members, unnest(channels) c"
        " GROUP BY status, c",
    )
    return {(d, v): int(n) for d, v, n in found}


def stored_member_counts(url: str) -> dict[tuple[str, str], int]:
    """The non-zero counters kept by the trigger (a zero counter counts nothing)."""
    found = rows(url, "SELECT dimension, value, count FROM member_counts WHERE count <> 0")
    return {(d, v): int(n) for d, v, n in found}


# Sealed read-model columns: how each is bound to its row (projections/personal.py).
SEALED_COLUMNS: dict[str, tuple[str, Callable[[dict[str, Any]], object]]] = {
    "sealed_email": (EMAIL, lambda r: r["member_id"]),
    "sealed_attributes": (ATTRIBUTES, lambda r: r["member_id"]),
    "sealed_handle": (HANDLE, lambda r: f"{r['member_id']}:{r['channel']}"),
    "sealed_content": (CONTENT, lambda r: r["interaction_id"]),
}


def opened_rows(url: str, query: str) -> list[tuple[Any, ...]]:
    """Rows of a read-model query with every sealed value opened (ciphertexts differ each
    time a value is sealed; what they hold must not)."""
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        found = conn.execute(query).fetchall()  # type: ignore[arg-type]
    if not found or not any(c in SEALED_COLUMNS for c in found[0]):
        return [tuple(r.values()) for r in found]
    pool = ConnectionPool(url, min_size=1, max_size=1, kwargs={"autocommit": True}, open=True)
    try:
        keys = KeyRing(pool, TEST_SECRET.encode()).preload(r["member_id"] for r in found)
    finally:
        pool.close()
    opened = []
    for row in found:
        for column, (context, owner) in SEALED_COLUMNS.items():
            if column in row:
                key = keys.get(row["member_id"])
                row[column] = open_value(key, row[column], context, owner(row))
        opened.append(tuple(row.values()))
    return opened


def members_snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the members read model, in a stable order, personal values opened."""
    return {
        "members": opened_rows(url, "SELECT * FROM members ORDER BY member_id"),
        "member_identities": opened_rows(
            url, "SELECT * FROM member_identities ORDER BY channel, handle_key"
        ),
        "member_counts": rows(
            url,
            "SELECT dimension, value, count FROM member_counts WHERE count <> 0"
            " ORDER BY dimension, value",
        ),
    }


@pytest.fixture
def empty_database(server_url: str) -> Iterator[str]:
    """A brand-new database with no migration applied, dropped afterwards."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}_empty"
    url = create_database(server_url, name)
    try:
        yield url
    finally:
        drop_database(server_url, name)


def members_runner(runtime: Runtime, batch_size: int = 10, **options: Any) -> ProjectionRunner:
    """The runner of the `members` projection, as the registry builds it."""
    runners = build_runners(runtime, batch_size=batch_size, **options)
    return next(runner for runner in runners if runner.name == "members")


class Unbounded:
    """Accepts every moment, as versions before the time bounds did.

    Logs written by those versions may hold interactions of 1900 or year 1: tests of how
    projections survive such events record them through an application given this.
    """

    def check(self, field: str, moment: datetime, now: datetime) -> datetime:
        """The moment, whatever it is."""
        return moment


def after_recording(runtime: Runtime) -> AfterRecording:
    """What the app runs after each batch an Ingestion writes: the lifecycle's returns."""
    return use_cases(runtime).returns
