"""Tables stripped of their indexes and constraints for a replay, and restored after it.

Appending millions of rows to a table with random-key indexes costs a random write per
row and index; building each index once at the end costs one sort.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from psycopg import Cursor, sql

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
