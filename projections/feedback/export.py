"""The feedback CSV export: items streamed from a server-side cursor, in constant memory.

Rows come from one named cursor (one consistent snapshot, no OFFSET), a page at a time,
each as the CSV line PostgreSQL rendered around its two sealed cells; each page opens its
authors' texts with one key query, so an author erased before the page was read exports
an empty text. A thread fetches the next pages and another looks up their keys while
this one opens and joins (read_ahead). The bytes are RFC 4180 CSV in UTF-8 with a header
row, spreadsheet-safe (see projections.csv_cells.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4

from psycopg import ServerCursor, sql
from psycopg_pool import ConnectionPool

from projections.ahead import read_ahead
from projections.csv_cells import csv_bytes, text_cell
from projections.personal import FEEDBACK_TEXT, PageOpeners, PersonalData

Openers = dict[str, Callable[[bytes, object], Any]]

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

# PostgreSQL renders each line but its two sealed cells, quoted and neutralised as the
# Python writer would (crm_csv_cell, migration 0015): the cells before the text (ending in
# a comma) and those after the source url (starting with one, ending the line). Python
# opens the sealed text and joins. Times are ISO 8601 UTC to the second.
# crm_csv_cell evaluates its argument up to seven times, so it is spent only where needed:
# ids, times and booleans never need quoting nor neutralising, and a number only when it
# is negative (its leading '-'); the rest of the query costs a tenth as much.
_ISO = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"


def _safe(expression: str) -> str:
    return f"coalesce({expression}, '')"


def _cell(expression: str) -> str:
    return f"crm_csv_cell({expression})"


def _number(expression: str, negative: str) -> str:
    """A number's cell: as text, through crm_csv_cell only when `negative` holds."""
    return f"CASE WHEN {negative} THEN {_cell(expression)} ELSE {_safe(expression)} END"


_BEFORE_TEXT = (
    _safe("item_id::text"),
    _safe(_ISO.format("submitted_at")),
    _cell("kind"),
    _cell("status"),
    _cell("channel"),
    _cell("product_area"),
    _cell("priority"),
    _cell("team"),
    _safe("author_id::text"),
)
_AFTER_TEXT = (
    _number("unique_members::text", "unique_members < 0"),
    _number("supporters::text", "supporters < 0"),
    _number("round(weighted_support::numeric, 3)::float8::text", "weighted_support < 0"),
    _safe(_ISO.format("first_response_at")),
    _number(
        "round((extract(epoch FROM first_response_at - submitted_at) / 3600)::numeric, 2)"
        "::float8::text",
        "first_response_at < submitted_at",
    ),
    _safe("duplicate_of::text"),
    _cell("tracker_key"),
    _cell("tracker_url"),
    _number("loop_closed::text", "loop_closed < 0"),
    "CASE WHEN author_erased THEN 'true' ELSE 'false' END",
)
_SELECT = sql.SQL(
    f"SELECT concat_ws(',', {', '.join(_BEFORE_TEXT)}) || ',',"
    f" ',' || concat_ws(',', {', '.join(_AFTER_TEXT)}) || E'\\r\\n',"
    " item_id::text, author_id::text, sealed_text FROM feedback_items"
)
HEADER = csv_bytes([list(COLUMNS)])


@dataclass(frozen=True)
class CsvPage:
    """A page of the export: its CSV lines as UTF-8 bytes, and how many items they hold."""

    rows: int
    data: bytes


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
        yield HEADER
        for page in self.pages(where):
            yield page.data

    def count(self, where: ExportFilter) -> int:
        """How many items the filter exports now (for a progress bar)."""
        query, params = _query(where, sql.SQL("SELECT count(*) FROM feedback_items"), ordered=False)
        with self.pool.connection() as conn:
            row = conn.execute(query, params).fetchone()
        return int(row[0]) if row else 0

    def pages(self, where: ExportFilter) -> Iterator[CsvPage]:
        """Pages of CSV lines (no header), from one server-side cursor."""
        query, params = _query(where)
        with self.pool.connection() as conn, conn.transaction():
            # A named cursor keeps the result on the server: memory stays one page deep.
            # Binary: the sealed texts come as bytes, not hex (a third of the fetch's cost).
            with conn.cursor(f"feedback_export_{uuid4().hex}", binary=True) as cursor:
                cursor.itersize = self.page_size
                cursor.execute(query, params)
                # Three stages, each waiting on its own: one thread fetches pages, one
                # looks up their authors' keys, and this one opens texts and joins lines.
                openers = PageOpeners(self.personal.keyring, FEEDBACK_TEXT)
                # Closed in order when the consumer stops early: each waits for its thread.
                with (
                    closing(read_ahead(self._pages(cursor))) as pages,
                    closing(read_ahead(_keyed(pages, openers))) as keyed,
                ):
                    for rows, page_openers in keyed:
                        yield CsvPage(len(rows), _lines(rows, page_openers))

    def _pages(self, cursor: ServerCursor[Any]) -> Iterator[list[Any]]:
        """The cursor's rows, a page at a time."""
        while rows := cursor.fetchmany(self.page_size):
            yield rows


def _keyed(pages: Iterator[list[Any]], openers: PageOpeners) -> Iterator[tuple[list[Any], Openers]]:
    """Each page with the openers of its authors' texts (one key query per page)."""
    for rows in pages:
        yield rows, openers.page({r[3] for r in rows if r[4] is not None})


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


def _lines(rows: list[tuple[Any, ...]], openers: Openers) -> bytes:
    """The page's CSV lines: SQL's cells around the opened text and source url."""
    lines: list[str] = []
    append = lines.append
    for before, after, item_id, author, sealed in rows:
        opener = openers.get(author) if sealed is not None else None
        if opener is None:
            append(before + "," + after)
            continue
        # The item id as text binds the seal just as the uuid does (the context is its text).
        opened = opener(sealed, item_id)
        text, url = opened.get("text"), opened.get("source_url")
        append(before + text_cell(text) + "," + text_cell(url) + after)
    return "".join(lines).encode()
