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

Each entry names the kinds of the item's changes after the cursor. An item that changed
twice, on either side of where a page ended, and both committed before that page was
read, comes once, at its later position and in its newest state: the earlier change is in
its state and its history, but not among the entry's kinds (a cursor of one position
cannot say which changes its reader saw).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from psycopg import Cursor
from psycopg_pool import ConnectionPool

from projections.cursors import InvalidCursor
from projections.feedback.opening import ITEM_COLUMNS, opened_tuples
from projections.feedback.rows import ChangeKind, FeedEntry, FeedPage
from projections.personal import PersonalData

PREFIX = "feedback-feed:v1:"


def _with_kinds(rows: str) -> str:
    """Rows of feedback_items (`rows`: a query of ITEM_COLUMNS), each with the kinds of its
    changes after the cursor in the order they first happened: one round trip a page."""
    return f"""
WITH page AS MATERIALIZED ({rows}),
kinds AS (
    SELECT item_id, array_agg(change ORDER BY first) AS kinds FROM (
        SELECT h.item_id, h.change, min(h.position) AS first
        FROM page p JOIN feedback_history h ON h.item_id = p.item_id AND h.position > %(after)s
        GROUP BY 1, 2
    ) c GROUP BY item_id
)
SELECT p.*, k.kinds FROM page p LEFT JOIN kinds k ON k.item_id = p.item_id
ORDER BY p.position, p.item_id
"""


# One row more than the page, to cut it on a position boundary.
PAGE = _with_kinds(
    f"SELECT {ITEM_COLUMNS} FROM feedback_items WHERE position > %(after)s"
    " ORDER BY position, item_id LIMIT %(limit)s"
)
AT_POSITION = _with_kinds(f"SELECT {ITEM_COLUMNS} FROM feedback_items WHERE position = %(at)s")
AFTER = "SELECT EXISTS (SELECT 1 FROM feedback_items WHERE position > %s)"
_POSITION = 27  # where position stands among ITEM_COLUMNS
_CHANGE_KINDS = {kind.value: kind for kind in ChangeKind}


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
        with conn.cursor() as cur:
            rows, has_more = _page(cur, after, first)
    items = opened_tuples(rows, personal)
    entries = [
        FeedEntry(item, [_CHANGE_KINDS[c] for c in row[-1] or ()])
        for item, row in zip(items, rows, strict=True)
    ]
    end = items[-1].position if items else after
    return FeedPage(entries, end, has_more)


def _page(cur: Cursor[Any], after: int, first: int) -> tuple[list[tuple[Any, ...]], bool]:
    """The page's rows, cut on a position boundary, and whether more follow."""
    cur.execute(PAGE, {"after": after, "limit": first + 1})
    rows = cur.fetchall()
    if len(rows) <= first:
        return rows, False
    cut = rows[first][_POSITION]  # the first row left out
    page = [r for r in rows[:first] if r[_POSITION] != cut]
    if page:
        return page, True
    # One position alone fills the page: it comes whole, however many items it moved.
    cur.execute(AT_POSITION, {"at": cut, "after": after})
    page = cur.fetchall()
    more = cur.execute(AFTER, (cut,)).fetchone()
    return page, bool(more and more[0])
