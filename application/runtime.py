"""Composition root: settings, database, key store and the Community application."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from application.crypto import KeyRing, check_secret
from application.embedded import (
    DEFAULT_DATABASE,
    EmbeddedServer,
    ensure_database,
    start_embedded_server,
)
from application.identities import IdentityClaims
from application.keyed_hashes import IdentityHasher, LookupHasher
from application.members.community import Community
from application.migrations import apply_migrations
from application.settings import Settings

log = logging.getLogger(__name__)


def resolve_database(settings: Settings) -> tuple[str, EmbeddedServer | None]:
    """CRM_DATABASE_URL, or a database on the embedded server (started) when it is unset."""
    if settings.database_url:
        return settings.database_url, None
    server = start_embedded_server(settings.data_dir)
    return ensure_database(server.url, DEFAULT_DATABASE), server


def eventsourcing_env(settings: Settings, database_url: str) -> dict[str, str]:
    """The environment handed to the eventsourcing application."""
    params = conninfo_to_dict(database_url)
    return {
        "POSTGRES_DBNAME": str(params.get("dbname") or "postgres"),
        "POSTGRES_HOST": str(params.get("host") or "localhost"),
        "POSTGRES_PORT": str(params.get("port") or "5432"),
        "POSTGRES_USER": str(params.get("user") or "postgres"),
        "POSTGRES_PASSWORD": str(params.get("password") or ""),
        "POSTGRES_POOL_SIZE": str(settings.event_store_pool_size),
        "POSTGRES_MAX_OVERFLOW": str(settings.event_store_pool_size),
        # Never wait forever for the event table lock: one stuck writer would queue all.
        "POSTGRES_LOCK_TIMEOUT": str(settings.lock_timeout_seconds),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": str(settings.idle_in_transaction_seconds),
    }


def open_pool(database_url: str, size: int, name: str) -> ConnectionPool:
    """A pool of autocommit connections for read models, keys and API keys."""
    return ConnectionPool(
        database_url,
        min_size=1,
        max_size=size,
        kwargs={"autocommit": True},
        name=name,
        open=True,
        timeout=10,
    )


@dataclass
class Runtime:
    """Everything a process needs to serve commands and queries."""

    settings: Settings
    database_url: str
    pool: ConnectionPool
    community: Community
    # Blind indexes of personal values in the read models (see projections/personal.py).
    lookups: LookupHasher
    embedded: EmbeddedServer | None = None

    @classmethod
    def start(cls, settings: Settings, *, migrate: bool = True) -> Runtime:
        """Resolve the database, apply migrations, and build the application."""
        database_url, embedded = resolve_database(settings)
        if migrate:
            applied = apply_migrations(database_url)
            if applied:
                log.info("applied migrations: %s", ", ".join(applied))
        pool = open_pool(database_url, settings.pool_size, "crm")
        secret = settings.resolved_secret()
        try:
            check_secret(pool, secret)
        except Exception:
            pool.close()
            if embedded:
                embedded.stop()
            raise
        community = Community(
            eventsourcing_env(settings, database_url),
            keyring=KeyRing(pool, secret),
            claims=IdentityClaims(pool, IdentityHasher(secret)),
            bounds=settings.time_bounds(),
        )
        return cls(settings, database_url, pool, community, LookupHasher(secret), embedded)

    def close(self) -> None:
        """Release connections, and stop the embedded server if this process started it."""
        self.community.close()
        self.pool.close()
        if self.embedded:
            self.embedded.stop()
