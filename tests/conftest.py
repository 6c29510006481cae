"""Test fixtures on a real PostgreSQL: CRM_TEST_DATABASE_URL, or an embedded server."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from application.embedded import database_url, start_embedded_server
from application.migrations import apply_migrations
from application.runtime import Runtime
from application.settings import Settings

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A PostgreSQL server: the one CRM_TEST_DATABASE_URL names, or an embedded one."""
    given = os.environ.get("CRM_TEST_DATABASE_URL")
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="crm-test-") as folder:
        server = start_embedded_server(Path(folder))
        try:
            yield server.url
        finally:
            server.stop()


def create_database(server: str, name: str, template: str | None = None) -> str:
    """Create a database (optionally as a copy of a template) and return its URL."""
    with psycopg.connect(server, autocommit=True) as conn:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        conn.execute(query)
    return database_url(server, name)


def drop_database(server: str, name: str) -> None:
    """Drop a database, closing any connection left open to it."""
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def template_database(server_url: str) -> Iterator[str]:
    """A migrated database of this run, copied by tests that need one of their own."""
    name = f"crm_test_{uuid.uuid4().hex[:10]}_template"
    apply_migrations(create_database(server_url, name))
    try:
        yield name
    finally:
        drop_database(server_url, name)


@pytest.fixture
def database(server_url: str, template_database: str) -> Iterator[str]:
    """A fresh, migrated database for one test, dropped afterwards."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    url = create_database(server_url, name, template=template_database)
    try:
        yield url
    finally:
        drop_database(server_url, name)


def test_settings(url: str, **overrides: object) -> Settings:
    """Settings for a test database, independent of the developer's environment."""
    values: dict[str, object] = {
        "environment": "test",
        "database_url": url,
        "secret_key": TEST_SECRET,
        # Runners wake on the log's notifications; the poll is only their safety net, and at
        # 0.2 s the 18 runners of each test app read a page 90 times a second for nothing.
        "projection_poll_seconds": 1.0,
        # The suite sends requests far faster than any client; tests of the limits enable them.
        "rate_limits_enabled": False,
        # Small pools: with a worker per core, every test's app, runtime and `crm` process
        # share the server's 100 connections (the event store's pool opens its size at once).
        "pool_size": 5,
        "event_store_pool_size": 2,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@pytest.fixture
def runtime(database: str) -> Iterator[Runtime]:
    """The application on a fresh database."""
    started = Runtime.start(test_settings(database))
    try:
        yield started
    finally:
        started.close()
