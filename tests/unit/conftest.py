"""The unit tier: the Community on in-memory persistence, and never a database connection."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from application.keyed_hashes import IdentityHasher
from application.members.community import Community
from application.memory import InMemoryClaimStore, InMemoryKeyStore
from tests.conftest import TEST_SECRET

IN_MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def in_memory_community(**options: Any) -> Community:
    """A Community on eventsourcing's POPO persistence with in-memory keys and claims."""
    return Community(
        IN_MEMORY,
        keyring=InMemoryKeyStore(),
        claims=InMemoryClaimStore(IdentityHasher(TEST_SECRET.encode())),
        **options,
    )


@pytest.fixture(autouse=True)
def no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to connect to PostgreSQL fails the unit test that made it."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a unit test tried to connect to PostgreSQL")

    # psycopg.connect is an alias taken at import; pools call Connection.connect.
    monkeypatch.setattr(psycopg, "connect", refuse)
    monkeypatch.setattr(psycopg.Connection, "connect", refuse)


@pytest.fixture
def community() -> Community:
    """A fresh in-memory Community; tests/integration re-runs the same tests on PostgreSQL."""
    return in_memory_community()
