"""Tables stripped of their indexes and constraints for a replay, and restored after it.

Appending millions of rows to a table with random-key indexes costs a random write per
row and index; building each index once at the end costs one sort.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import psycopg
from psycopg import Cursor, sql
from psycopg.types.json import Jsonb

from projections.parking import forget_parked
from projections.positions import lock_position
from projections.projection import Projection

# Primary and unique keys: dropped as constraints, restored from their definition.
CONSTRAINTS = """
SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint c
WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('p', 'u')
ORDER BY c.conrelid::regclass::text, c.conname
"""
# Every other index of the tables.
INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = ANY(%s::regclass[])
    AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY 1
"""


def strip_indexes(
    cursor: Cursor[Any], tables: tuple[str, ...], keep: Collection[str] = ()
) -> dict[str, Any]:
    """Drop the tables' indexes and keys, but those named in `keep`; returns what
    `restore_indexes` needs to rebuild them."""
    constraints = [
        row for row in cursor.execute(CONSTRAINTS, (list(tables),)).fetchall() if row[1] not in keep
    ]
    indexes = [
        row for row in cursor.execute(INDEXES, (list(tables),)).fetchall() if row[0] not in keep
    ]
    for table, name, _ in constraints:
        cursor.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(table), sql.Identifier(name)
            )
        )
    for name, _ in indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    return {
        "constraints": [list(row) for row in constraints],
        "indexes": [definition for _, definition in indexes],
    }


def restore_indexes(cursor: Cursor[Any], stripped: dict[str, Any]) -> None:
    """Build again, once each, the keys and indexes `strip_indexes` dropped."""
    for table, name, definition in stripped["constraints"]:
        cursor.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                sql.Identifier(table), sql.Identifier(name), sql.SQL(definition)
            )
        )
    for definition in stripped["indexes"]:
        cursor.execute(sql.SQL(definition))


def rewind(conn: psycopg.Connection[Any], projection: Projection, *, replay: bool) -> None:
    """Empty a projection's tables and move it back to the start of the log (its position
    row locked by the caller's transaction); with `replay`, strip its replay tables."""
    stands = lock_position(conn, projection.name)
    with conn.cursor() as cursor:
        tables = sql.SQL(", ").join(sql.Identifier(t) for t in projection.tables)
        cursor.execute(sql.SQL("TRUNCATE {}").format(tables))
        forget_parked(conn, projection.name)  # the replay meets them again
        if stands.replay is not None:  # an earlier rebuild was cut short
            restore_indexes(cursor, stands.replay)
        stripped = None
        if replay and (projection.replay_tables or projection.plain_topics):
            stripped = Jsonb(
                strip_indexes(cursor, projection.replay_tables, projection.replay_keeps)
            )
    # Rebuilt rows follow the rule configured now.
    conn.execute(
        "UPDATE projection_positions SET position = 0, rule_version = %s, replay = %s"
        " WHERE name = %s",
        (projection.rule_version, stripped, projection.name),
    )
