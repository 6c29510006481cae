"""Planner statistics and visibility maps, refreshed after bulk writes.

Autovacuum may be off, or far behind after millions of rows: without statistics the
planner guesses, and at 1M members it guessed whole-table scans for lookups of a few rows.
Without a visibility map an index-only scan reads the table too, so the planner sorts
every match of a search instead of walking the index for a page (64 ms against under
1 ms at 1M members).
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


def vacuum_and_analyze(pool: ConnectionPool, tables: Iterable[str]) -> None:
    """VACUUM (ANALYZE) tables a rebuild has just filled: statistics, and every page marked
    all-visible for index-only scans (what autovacuum does later, when it is on)."""
    names = sql.SQL(", ").join(sql.Identifier(t) for t in tables)
    with pool.connection() as conn:
        conn.autocommit = True  # VACUUM cannot run inside a transaction
        try:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(names))
        finally:
            conn.autocommit = False
