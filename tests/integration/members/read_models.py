"""Every read-model table's rows about some members: what a merge and an unmerge must keep.

Bookkeeping columns are left out: a member's version and the moments events were recorded
(linked_at, recorded_at, updated_at) say when something was written, not what it is; so
are counters at zero (a zero counter counts nothing). Sealed values are opened where the
test helpers know their key (SEALED_COLUMNS); others are compared as present or absent,
since every sealing draws a new nonce.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from uuid import UUID

from api.projection_wiring import build_runners
from application.runtime import Runtime
from tests.integration.conftest import SEALED_COLUMNS, opened_rows, rows

# Counters of tables about no one member: a row whose counters are all zero counts nothing
# (a live page leaves one where a +1 and a -1 of one recorded day meet).
COUNTERS = ("count", "members", "delta", "interactions", "joined", "left_")
BOOKKEEPING = frozenset({"version", "updated_at", "recorded_at", "linked_at", "first_recorded_at"})


def catch_up(runtime: Runtime) -> None:
    """Every projection up to the end of the log."""
    for runner in build_runners(runtime, batch_size=7):
        runner.catch_up()


def read_model_tables(runtime: Runtime) -> list[str]:
    """Every table a registered projection owns."""
    return sorted({t for runner in build_runners(runtime) for t in runner.projection.tables})


def dump(runtime: Runtime, members: Collection[UUID]) -> dict[str, list[tuple[Any, ...]]]:
    """Each read-model table's rows about these members (whole tables with no member column),
    bookkeeping columns left out, personal values opened, in a stable order."""
    url = runtime.database_url
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in read_model_tables(runtime):
        columns = [
            name
            for (name,) in rows(
                url,
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " ORDER BY ordinal_position",
                (table,),
            )
        ]
        kept = [_compared(c) for c in columns if c not in BOOKKEEPING]
        where = " WHERE true"
        if "member_id" in columns:
            where += " AND member_id IN (" + ", ".join(f"'{m}'" for m in members) + ")"
        counters = [c for c in COUNTERS if c in columns]
        if counters and "member_id" not in columns:
            where += " AND NOT (" + " AND ".join(f"{c} = 0" for c in counters) + ")"
        query = f"SELECT {', '.join(kept)} FROM {table}{where}"  # noqa: S608 (test names)
        found[table] = sorted(opened_rows(url, query), key=repr)
    return found


def _compared(column: str) -> str:
    if column.startswith("sealed_") and column not in SEALED_COLUMNS:
        return f"{column} IS NOT NULL AS {column}"
    return column


def differences(
    left: dict[str, list[tuple[Any, ...]]], right: dict[str, list[tuple[Any, ...]]]
) -> dict[str, tuple[list[Any], list[Any]]]:
    """The tables whose rows differ (floats within rounding, as a rebuild's), with the rows."""
    return {
        table: (left[table], right[table])
        for table in left
        if not _same(left[table], right.get(table, []))
    }


def _same(left: list[tuple[Any, ...]], right: list[tuple[Any, ...]]) -> bool:
    return len(left) == len(right) and all(
        len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
        for a, b in zip(left, right, strict=True)
    )


def _equal(x: Any, y: Any) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        return x == y or abs(x - y) <= 1e-12 * max(abs(x), abs(y))
    return bool(x == y)
