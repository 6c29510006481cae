"""The feedback CSV export: items streamed from a server-side cursor, in constant memory.

Rows come from one named cursor (one consistent snapshot, no OFFSET), a page at a time;
each page opens its authors' texts with one key query, so an author erased before the
page was read exports an empty text. The bytes are RFC 4180 CSV in UTF-8 with a header
row, spreadsheet-safe (see projections/feedback/csv_cells.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4

from psycopg import sql
from psycopg_pool import ConnectionPool

from projections.feedback.csv_cells import csv_bytes
from projections.personal import FEEDBACK_TEXT, Keys, PersonalData, open_value

EXPORT_PAGE = 2_000

COLUMNS = (
    "item id",
    "submitted at",
    "kind",
    "status",
    "channel",
    "product area",
    "priority",
    "team",
    "author id",
    "text",
    "source url",
    "unique members",
    "supporters",
    "weighted support",
    "first response at",
    "hours to first response",
    "duplicate of",
    "tracker key",
    "tracker url",
    "loop closed",
    "erased",
)

# PostgreSQL formats every cell as text (ISO 8601 UTC times to the second, ids, numbers,
# booleans): far cheaper there than in Python a row at a time. Last come the author id as
# a uuid, for the key query, and the sealed text, opened in Python.
_ISO = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
_SELECT = sql.SQL(
    "SELECT item_id::text, "
    + _ISO.format("submitted_at")
    + ", kind, status, channel, product_area, priority, team, author_id::text,"
    " NULL, NULL, unique_members::text, supporters::text,"
    " round(weighted_support::numeric, 3)::float8::text, "
    + _ISO.format("first_response_at")
    + ", round((extract(epoch FROM first_response_at - submitted_at) / 3600)::numeric, 2)"
    "::float8::text, duplicate_of::text, tracker_key, tracker_url, loop_closed::text,"
    " CASE WHEN author_erased THEN 'true' ELSE 'false' END, author_id, sealed_text"
    " FROM feedback_items"
)
_TEXT, _SOURCE_URL, _AUTHOR, _SEALED = 9, 10, 21, 22


@dataclass(frozen=True)
class ExportFilter:
    """Which items to export: submitted in [submitted_from, submitted_to), any of the statuses
    and product areas (empty: all)."""

    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    statuses: Sequence[str] = field(default_factory=tuple)
    product_areas: Sequence[str] = field(default_factory=tuple)


class FeedbackExport:
    """Streams feedback items, oldest submitted first, as pages of CSV cells or CSV bytes."""

    def __init__(
        self, pool: ConnectionPool, personal: PersonalData, *, page_size: int = EXPORT_PAGE
    ) -> None:
        self.pool = pool
        self.personal = personal
        self.page_size = page_size

    def csv(self, where: ExportFilter) -> Iterator[bytes]:
        """The header, then one chunk of CSV bytes per page of items."""
        yield csv_bytes([list(COLUMNS)])
        for page in self.pages(where):
            yield csv_bytes(page)

    def count(self, where: ExportFilter) -> int:
        """How many items the filter exports now (for a progress bar)."""
        query, params = _query(where, sql.SQL("SELECT count(*) FROM feedback_items"), ordered=False)
        with self.pool.connection() as conn:
            row = conn.execute(query, params).fetchone()
        return int(row[0]) if row else 0

    def pages(self, where: ExportFilter) -> Iterator[list[list[object]]]:
        """Pages of export rows (one list of cells per item), from one server-side cursor."""
        query, params = _query(where)
        with self.pool.connection() as conn, conn.transaction():
            # A named cursor keeps the result on the server: memory stays one page deep.
            with conn.cursor(f"feedback_export_{uuid4().hex}") as cursor:
                cursor.itersize = self.page_size
                cursor.execute(query, params)
                while rows := cursor.fetchmany(self.page_size):
                    keys = self.personal.reader_keys(r[_AUTHOR] for r in rows)
                    yield [_cells(row, keys) for row in rows]


def _query(
    where: ExportFilter, select: sql.Composable = _SELECT, *, ordered: bool = True
) -> tuple[sql.Composed, dict[str, Any]]:
    """The SELECT with only the conditions asked for, so each can use its index."""
    conditions: list[sql.Composable] = []
    params: dict[str, Any] = {}
    if where.submitted_from is not None:
        conditions.append(sql.SQL("submitted_at >= %(from)s"))
        params["from"] = where.submitted_from
    if where.submitted_to is not None:
        conditions.append(sql.SQL("submitted_at < %(to)s"))
        params["to"] = where.submitted_to
    if where.statuses:
        conditions.append(sql.SQL("status = ANY(%(statuses)s)"))
        params["statuses"] = list(where.statuses)
    if where.product_areas:
        conditions.append(sql.SQL("product_area = ANY(%(areas)s)"))
        params["areas"] = list(where.product_areas)
    where_sql = (
        sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("")
    )
    order = sql.SQL(" ORDER BY submitted_at, item_id" if ordered else "")
    return sql.Composed([select, where_sql, order]), params


def _cells(row: tuple[Any, ...], keys: Keys) -> list[object]:
    """One item's CSV cells; text and source url only while the author's key exists."""
    cells = list(row[:_AUTHOR])
    # The item id as text binds the seal just as the uuid does (the context is its text).
    opened = open_value(keys.get(row[_AUTHOR]), row[_SEALED], FEEDBACK_TEXT, cells[0])
    if opened:
        cells[_TEXT], cells[_SOURCE_URL] = opened.get("text"), opened.get("source_url")
    return cells
