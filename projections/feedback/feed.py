"""The change feed: every item that changed after a position, once, in commit order.

Each row of feedback_items keeps the notification id of the last event that changed it
(`position`). The projection applies the log in notification-id order, one page per
transaction, and the event store commits notification ids in order: so once a reader has
seen a row at position P, every change at or below P is already committed and visible,
and every later change lands above P. A reader that resumes after the last position it
fully read therefore skips nothing and repeats nothing; an item that changes again simply
shows again, further on, with its new state.

A page ends on a position boundary: several items can share one position (an erasure
moves all of its author's items), and a page cut in their middle would lose the rest
(the cursor holds a position only), so the page stops before that position, or holds all
of it when it alone fills the page.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import InvalidCursor, Row
from projections.feedback.opening import ITEM_COLUMNS, opened
from projections.feedback.rows import ChangeKind, FeedEntry, FeedPage
from projections.personal import PersonalData

PREFIX = "feedback-feed:v1:"

PAGE = f"""
SELECT {ITEM_COLUMNS} FROM feedback_items WHERE position > %s
ORDER BY position, item_id LIMIT %s
"""
AT_POSITION = f"SELECT {ITEM_COLUMNS} FROM feedback_items WHERE position = %s ORDER BY item_id"
AFTER = "SELECT EXISTS (SELECT 1 FROM feedback_items WHERE position > %s)"
# The kinds of change of each item after the cursor, in the order they first happened.
CHANGES = """
SELECT item_id, array_agg(change ORDER BY first) AS changes FROM (
    SELECT item_id, change, min(position) AS first FROM feedback_history
    WHERE item_id = ANY(%s) AND position > %s GROUP BY item_id, change
) c GROUP BY item_id
"""


def encode_feed_cursor(position: int) -> str:
    """The opaque cursor of the feed after `position`."""
    return base64.urlsafe_b64encode(f"{PREFIX}{position}".encode()).decode()


def decode_feed_cursor(text: str | None) -> int:
    """The position a feed cursor holds; empty or None is the beginning (0)."""
    if not text:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(text.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise InvalidCursor("not a cursor of the feedback change feed") from error
    number = decoded.removeprefix(PREFIX)
    if number == decoded or not number.isdigit() or not number.isascii():
        raise InvalidCursor("not a cursor of the feedback change feed")
    return int(number)


def read_feed(pool: ConnectionPool, personal: PersonalData, after: int, first: int) -> FeedPage:
    """The items that changed after `after`, in (position, item id) order, with their kinds.

    Read in one repeatable-read snapshot, so that rows and kinds agree.
    """
    if first < 1:
        raise ValueError("a feed page holds at least one change")
    with pool.connection() as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with conn.cursor(row_factory=dict_row) as cur:
            rows, has_more = _page(cur, after, first)
            changes: dict[Any, list[str]] = {}
            if rows:
                cur.execute(CHANGES, ([r["item_id"] for r in rows], after))
                changes = {r["item_id"]: r["changes"] for r in cur.fetchall()}
    items = opened(rows, personal)
    entries = [
        FeedEntry(item, [ChangeKind(c) for c in changes.get(item.item_id, [])]) for item in items
    ]
    end = items[-1].position if items else after
    return FeedPage(entries, end, has_more)


def _page(cur: Any, after: int, first: int) -> tuple[list[Row], bool]:
    """The page's rows, cut on a position boundary, and whether more follow."""
    cur.execute(PAGE, (after, first + 1))
    rows: list[Row] = cur.fetchall()
    if len(rows) <= first:
        return rows, False
    cut = rows[first]["position"]  # the first row left out
    page = [r for r in rows[:first] if r["position"] != cut]
    if page:
        return page, True
    # One position alone fills the page: it comes whole, however many items it moved.
    cur.execute(AT_POSITION, (cut,))
    page = cur.fetchall()
    cur.execute(AFTER, (cut,))
    return page, bool(cur.fetchone()["exists"])
