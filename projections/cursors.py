"""Keyset pages and cursors: an opaque (list, sort key, id) only the list that made it accepts.

Every list of the read models pages the same way: its query asks for one row more than the
page (`LIMIT limit + 1`) in the order of a `Keyset`, after the sort key and id a cursor
carries, and `Keyset.page` cuts the page and hands out a cursor per row.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

Row = dict[str, Any]
SortKey = str | float | datetime

NOT_OURS = "not a cursor handed out by this list"


class InvalidCursor(ValueError):
    """A cursor that this list did not hand out."""


def encode_cursor(kind: str, key: SortKey, item: UUID) -> str:
    """The cursor after the row with this sort key and id, in the list named `kind`."""
    wire = key.isoformat() if isinstance(key, datetime) else key
    payload = json.dumps([kind, wire, str(item)], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode()


def decode_cursor(cursor: str, kind: str, key_type: type[SortKey]) -> tuple[SortKey, UUID]:
    """The sort key (of `key_type`) and id in a cursor of the list named `kind`."""
    try:
        found, key, item = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if found != kind:
            raise InvalidCursor("this cursor belongs to another order or list")
        return _key(key, key_type), UUID(str(item))
    except InvalidCursor:
        raise
    except (ValueError, TypeError) as error:
        raise InvalidCursor(NOT_OURS) from error


def _key(key: object, key_type: type[SortKey]) -> SortKey:
    """The sort key as the list's SQL compares it, or InvalidCursor."""
    if isinstance(key, str) and "\x00" not in key:
        if key_type is str:
            return key
        if key_type is datetime:
            return datetime.fromisoformat(key)
    if key_type is float and isinstance(key, int | float) and not isinstance(key, bool):
        if math.isfinite(key):
            return float(key)
    raise InvalidCursor(NOT_OURS)


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paginated list: its rows, whether more follow, a cursor per row."""

    rows: list[Row]
    has_next: bool
    cursors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Keyset:
    """One keyset order of a list: its name in cursors, and each row's sort key and id."""

    kind: str
    sort_key: Callable[[Row], SortKey]
    id_column: str
    key_type: type[SortKey]

    def decode(self, cursor: str) -> tuple[Any, UUID]:
        """The (sort key, id) to continue after; InvalidCursor if another list made it."""
        return decode_cursor(cursor, self.kind, self.key_type)

    def page(self, rows: list[Row], limit: int) -> Page:
        """The first `limit` rows of a query that asked for `limit + 1`, with their cursors."""
        page = rows[:limit]
        cursors = [encode_cursor(self.kind, self.sort_key(r), r[self.id_column]) for r in page]
        return Page(page, len(rows) > limit, cursors)
