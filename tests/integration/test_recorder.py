"""The recorder writes large batches over any connection, TCP or Unix socket."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from application.members.demo import demo_members
from application.runtime import Runtime
from tests.conftest import test_settings

SOCKET_FOLDER = "/var/run/postgresql"


def unix_socket_url(url: str) -> str | None:
    """The same database through the local server's Unix socket, if it has one."""
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost") or "host=" in parts.query:
        return None
    port = parts.port or 5432
    if not os.path.exists(f"{SOCKET_FOLDER}/.s.PGSQL.{port}"):
        return None
    user = parts.username or "postgres"
    return f"postgresql://{user}@{parts.path}?host={SOCKET_FOLDER}&port={port}"


@pytest.fixture(params=["configured", "unix-socket"])
def connected(request: pytest.FixtureRequest, database: str) -> Iterator[Runtime]:
    """The application over the configured URL, and over a Unix socket when possible."""
    url = database if request.param == "configured" else unix_socket_url(database)
    if url is None:
        pytest.skip("no local Unix socket for this server")
    started = Runtime.start(test_settings(url))
    try:
        yield started
    finally:
        started.close()


def test_one_save_of_two_thousand_members_completes(connected: Runtime) -> None:
    """A save of ~2 MB used to deadlock in psycopg's pipeline mode over a Unix socket."""
    members = list(demo_members(2000, seed=3))
    position = connected.community.save_new_members(members)
    with connected.pool.connection() as conn:
        stored = conn.execute("SELECT count(*), max(notification_id) FROM community_events")
        count, head = stored.fetchone() or (0, 0)
    assert count == sum(m.version for m in members)
    assert position == head


def test_the_log_s_writers_wait_idle_in_a_transaction_as_long_as_configured(database: str) -> None:
    """A batch's transaction may pause between statements on a loaded machine: the server
    ends it only after CRM_IDLE_IN_TRANSACTION_SECONDS, not the library's 5 s."""
    runtime = Runtime.start(test_settings(database, idle_in_transaction_seconds=42))
    try:
        with runtime.community.recorder.datastore.transaction(commit=False) as curs:  # type: ignore[attr-defined]
            curs.execute("SHOW idle_in_transaction_session_timeout")
            row = curs.fetchone()
    finally:
        runtime.close()
    assert row is not None
    assert next(iter(row.values())) == "42s"
