"""The change feed as NDJSON: one line per changed item, then the cursor to go on from.

The end of a response is fixed before its first line is sent, so the next cursor can go
in a header: it is the head of the feed when the request came (or the position where the
limit is reached), and the stream holds every change after the cursor and at or before
it. A change committed while the stream runs lands past the end: the next response has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any, Protocol

import orjson
from psycopg_pool import ConnectionPool

from projections.feedback.rows import FeedbackRow, FeedEntry, FeedPage

FEED_PAGE = 1_000


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# The item's JSON names: those of GraphQL's FeedbackItem where it has the field.
_RENAMED = {"item_id": "id", "duplicates": "duplicateCount", "supporters": "supporterCount"}
_NAMES = {f.name: _RENAMED.get(f.name) or _camel(f.name) for f in fields(FeedbackRow)}


class FeedSource(Protocol):
    """Pages of the change feed in commit order (projections/feedback/feed.py)."""

    def changes(self, after_position: int, first: int, until: int = ...) -> FeedPage:
        """Changes after the position and at or before `until`, at most `first` of them."""
        ...


@dataclass(frozen=True)
class FeedSpan:
    """What one response streams: changes after `after`, up to and with `end`."""

    after: int
    end: int
    has_more: bool


class FeedStream:
    """Fixes the span of a response, then streams its entries page by page."""

    def __init__(self, pool: ConnectionPool, source: FeedSource, *, page_size: int = FEED_PAGE):
        self.pool = pool
        self.source = source
        self.page_size = page_size

    def span(self, after: int, limit: int | None) -> FeedSpan:
        """Up to the head now, or to the position of the limit-th change after `after`.

        Changes sharing a position are one commit: the span takes them all, so a response
        may hold a few more than `limit`, and a cursor never falls inside a commit.
        """
        with self.pool.connection() as conn:
            head = conn.execute("SELECT max(position) FROM feedback_history").fetchone()
            end = max(after, (head[0] if head else None) or after)
            if limit is not None:
                row = conn.execute(
                    "SELECT position FROM feedback_history WHERE position > %s"
                    " AND position <= %s ORDER BY position, item_id OFFSET %s LIMIT 1",
                    (after, end, limit - 1),
                ).fetchone()
                end = row[0] if row else end
            more = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM feedback_history WHERE position > %s)", (end,)
            ).fetchone()
        return FeedSpan(after, end, bool(more and more[0]))

    def entries(self, span: FeedSpan) -> Iterator[FeedEntry]:
        """The span's entries in commit order, read one page at a time."""
        after = span.after
        while after < span.end:
            page = self.source.changes(after, self.page_size, span.end)
            yield from page.entries
            if not page.has_more or page.end_position <= after:
                return
            after = page.end_position

    def ndjson(self, span: FeedSpan, end_cursor: str) -> Iterator[bytes]:
        """The span as NDJSON, a chunk per page, ending with the end-cursor line."""
        chunk: list[bytes] = []
        for entry in self.entries(span):
            chunk.append(entry_line(entry))
            if len(chunk) >= self.page_size:
                yield b"".join(chunk)
                chunk = []
        chunk.append(end_line(end_cursor, span.has_more))
        yield b"".join(chunk)


def entry_json(entry: FeedEntry) -> dict[str, Any]:
    """An entry as JSON: the item's fields in camelCase (`id` for the item id), its changes,
    and the position of the last of them (the entry's place in commit order)."""
    item = {_NAMES[name]: value for name, value in vars(entry.item).items()}
    changes = [str(change) for change in entry.changes]
    return {"item": item, "changes": changes, "position": entry.position}


def entry_line(entry: FeedEntry) -> bytes:
    """One NDJSON line of an entry."""
    return orjson.dumps(entry_json(entry)) + b"\n"


def end_line(end_cursor: str, has_more: bool) -> bytes:
    """The last line: the cursor to continue from, and whether more had changed already."""
    return orjson.dumps({"endCursor": end_cursor, "hasMore": has_more}) + b"\n"
