"""The change feed: every change after a position, once, in commit order, with its item.

Each change of an item is a row of feedback_history at the notification id of the event
that made it (`position`). The projection applies the log in notification-id order, one
page per transaction, and the event store commits notification ids in order: once a
reader has seen a change at position P, every change at or below P is committed and
visible, and every later one lands above P. A page is the changes in a span of positions
(after, end]; the next page starts after `end`. A reader that resumes from the last end
it read therefore skips no change and repeats none, across restarts of either side.

An entry is an item that changed in the page's span: its current state (which may already
hold later changes) and the kinds of its changes in the span. An item that changes again
after the span comes again in a later page, with those later kinds only.

A page ends on a position boundary: several items can share one position (an erasure
moves all of its author's items), so a page stops before a position it cannot hold
whole, or holds all of it when it alone fills the page.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from uuid import UUID

from psycopg import Cursor
from psycopg_pool import ConnectionPool

from projections.cursors import InvalidCursor
from projections.feedback.opening import ITEM_COLUMNS, opened_tuples
from projections.feedback.rows import ChangeKind, FeedEntry, FeedPage
from projections.personal import PersonalData

PREFIX = "feedback-feed:v1:"
MAX_POSITION = 2**63 - 1


# One row more than the page, to cut it on a position boundary.
CHANGES = """
SELECT position, item_id, change FROM feedback_history
WHERE position > %(after)s AND position <= %(until)s
ORDER BY position, item_id LIMIT %(limit)s
"""
AT_POSITION = "SELECT position, item_id, change FROM feedback_history WHERE position = %s"
MORE = "SELECT EXISTS (SELECT 1 FROM feedback_history WHERE position > %s AND position <= %s)"
ITEMS = f"SELECT {ITEM_COLUMNS} FROM feedback_items WHERE item_id = ANY(%s)"
_CHANGE_KINDS = {kind.value: kind for kind in ChangeKind}
Change = tuple[int, UUID, str]


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
    # A notification id is a bigint: a larger number was never handed out.
    if number == decoded or not number.isdigit() or not number.isascii() or len(number) > 19:
        raise InvalidCursor("not a cursor of the feedback change feed")
    position = int(number)
    if position > MAX_POSITION:
        raise InvalidCursor("not a cursor of the feedback change feed")
    return position


def read_feed(
    pool: ConnectionPool,
    personal: PersonalData,
    after: int,
    first: int,
    until: int = MAX_POSITION,
) -> FeedPage:
    """The changes after `after` (and at or before `until`), at most `first` of them.

    Read in one repeatable-read snapshot, so that changes and items agree.
    """
    if first < 1:
        raise ValueError("a feed page holds at least one change")
    with pool.connection() as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with conn.cursor() as cur:
            changes, has_more = _changes(cur, after, first, until)
            grouped = _by_item(changes)
            cur.execute(ITEMS, (list(grouped),))
            rows = {row[0]: row for row in cur.fetchall()}
    items = {i.item_id: i for i in opened_tuples(list(rows.values()), personal)}
    entries = [
        FeedEntry(items[item_id], kinds, position)
        for item_id, (position, kinds) in grouped.items()
        if item_id in items
    ]
    end = changes[-1][0] if changes else after
    return FeedPage(entries, end, has_more)


def _changes(cur: Cursor[Any], after: int, first: int, until: int) -> tuple[list[Change], bool]:
    """The page's changes, cut on a position boundary, and whether more follow."""
    cur.execute(CHANGES, {"after": after, "until": until, "limit": first + 1})
    rows: list[Change] = cur.fetchall()
    if len(rows) <= first:
        return rows, False
    cut = rows[first][0]  # the position of the first change left out
    page = [r for r in rows[:first] if r[0] != cut]
    if page:
        return page, True
    # One position alone fills the page: it comes whole, however many items it moved.
    page = sorted(cur.execute(AT_POSITION, (cut,)).fetchall(), key=lambda r: r[1])
    more = cur.execute(MORE, (cut, until)).fetchone()
    return page, bool(more and more[0])


def _by_item(changes: list[Change]) -> dict[UUID, tuple[int, list[ChangeKind]]]:
    """Each item's last position in the page and its kinds of change in first-seen order,
    items in the order of their last change (commit order)."""
    grouped: dict[UUID, tuple[int, list[ChangeKind]]] = {}
    for position, item_id, change in changes:
        _, kinds = grouped.pop(item_id, (position, []))
        kind = _CHANGE_KINDS[change]
        grouped[item_id] = (position, kinds if kind in kinds else [*kinds, kind])
    return grouped
