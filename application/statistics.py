"""Planner statistics, refreshed after bulk writes.

Autovacuum may be off, or far behind after millions of rows: without statistics the
planner guesses, and at 1M members it guessed whole-table scans for lookups of a few rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from psycopg import sql
from psycopg_pool import ConnectionPool

# What an import writes to: the log, identity claims and personal-data keys.
IMPORTED_TABLES = ("community_events", "identity_claims", "personal_data_keys")


def refresh_statistics(pool: ConnectionPool, tables: Iterable[str]) -> None:
    """ANALYZE these tables (a sample of each, seconds even for millions of rows)."""
    names = sql.SQL(", ").join(sql.Identifier(t) for t in tables)
    with pool.connection() as conn:
        conn.execute(sql.SQL("ANALYZE {}").format(names))
