"""Reads over the `feedback` projection: keyset pages, items with their history, the feed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import Row
from projections.feedback.feed import MAX_POSITION, read_feed
from projections.feedback.filters import (
    KEYSETS,
    ORDER_SQL,
    FeedbackFilter,
    FeedbackOrder,
    conditions,
)
from projections.feedback.opening import ITEM_COLUMNS, by_id, history_row, opened, support_row
from projections.feedback.rows import FeedbackRow, FeedPage, HistoryRow, SupportRow
from projections.feedback.voice import refresh_voice
from projections.personal import PersonalData

__all__ = ["FeedbackFilter", "FeedbackOrder", "FeedbackQueries"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FeedbackQueries:
    """SQL over the feedback read tables; no query here reads the event log.

    Text and source urls are opened with one key query per page: an erased author's
    read as None at once, everywhere.
    """

    def __init__(
        self,
        pool: ConnectionPool,
        personal: PersonalData,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.pool = pool
        self.personal = personal
        self.clock = clock

    def page(
        self, where: FeedbackFilter, order: FeedbackOrder, first: int, after: str | None
    ) -> tuple[list[FeedbackRow], list[str], bool]:
        """A page of items after the cursor: (rows, a cursor per row, whether more follow)."""
        after_sql, order_sql = ORDER_SQL[order]
        keyset = KEYSETS[order]
        found, params = conditions(where, self.personal, self.clock())
        if after:
            key, item_id = keyset.decode(after)
            found.append(sql.SQL(after_sql))
            params += [key, item_id]
        query = sql.SQL("SELECT {} FROM feedback_items WHERE {} ORDER BY {} LIMIT %s").format(
            sql.SQL(ITEM_COLUMNS), sql.SQL(" AND ").join(found), sql.SQL(order_sql)
        )
        page = keyset.page(self._rows(query, [*params, first + 1]), first)
        return opened(page.rows, self.personal), page.cursors, page.has_next

    def by_ids(self, ids: Sequence[UUID]) -> dict[UUID, FeedbackRow]:
        """Items by id (absent ids are simply missing)."""
        found = self._items("item_id = ANY(%s)", (list(ids),))
        return by_id(found)

    def matching(self, where: FeedbackFilter, ids: Sequence[UUID]) -> set[UUID]:
        """Those of these items that the filter lists now (live updates' filters)."""
        found, params = conditions(where, self.personal, self.clock())
        found.append(sql.SQL("item_id = ANY(%s)"))
        query = sql.SQL("SELECT item_id FROM feedback_items WHERE {}").format(
            sql.SQL(" AND ").join(found)
        )
        return {row["item_id"] for row in self._rows(query, [*params, list(ids)])}

    def history(self, item_id: UUID) -> list[HistoryRow]:
        """An item's changes, in log order."""
        found = self._rows(
            "SELECT * FROM feedback_history WHERE item_id = %s ORDER BY position", (item_id,)
        )
        return [history_row(r) for r in found]

    def duplicates(self, item_id: UUID) -> list[FeedbackRow]:
        """The items marked as duplicates of this one, oldest first."""
        return self._items("duplicate_of = %s ORDER BY submitted_at, item_id", (item_id,))

    def supporters(self, item_id: UUID) -> list[SupportRow]:
        """An item's own supports, earliest first."""
        found = self._rows(
            "SELECT item_id, member_id, importance, supported_at FROM feedback_supports"
            " WHERE item_id = %s ORDER BY supported_at, member_id",
            (item_id,),
        )
        return [support_row(r) for r in found]

    def for_member(self, member_id: UUID) -> list[tuple[FeedbackRow, str]]:
        """What a member asked for ("author") or supported ("supporter"), newest first."""
        found = self._rows(
            f"SELECT {ITEM_COLUMNS}, 'author' AS relation FROM feedback_items"
            " WHERE author_id = %s"
            f" UNION ALL SELECT {_qualified('f')}, 'supporter' FROM feedback_items f"
            " JOIN feedback_supports s ON s.item_id = f.item_id WHERE s.member_id = %s"
            " ORDER BY submitted_at DESC, item_id DESC",
            (member_id, member_id),
        )
        relations = [r.pop("relation") for r in found]
        return list(zip(opened(found, self.personal), relations, strict=True))

    def changes(self, after_position: int, first: int, until: int = MAX_POSITION) -> FeedPage:
        """The change feed after a position (see projections/feedback/feed.py)."""
        return read_feed(self.pool, self.personal, after_position, first, until)

    def refresh_voice(self) -> int:
        """Recompute every item's voice from today's engagement; returns rows changed."""
        return refresh_voice(self.pool)

    def _items(self, where: str, params: Sequence[Any]) -> list[FeedbackRow]:
        query = f"SELECT {ITEM_COLUMNS} FROM feedback_items WHERE {where}"
        return opened(self._rows(query, params), self.personal)

    def _rows(self, query: Any, params: Any = ()) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()


def _qualified(alias: str) -> str:
    """ITEM_COLUMNS of a table under an alias."""
    return ", ".join(f"{alias}.{c.strip()}" for c in ITEM_COLUMNS.split(","))
