"""Keyset cursors: an opaque (list, sort key, id) that only the list that made it accepts."""

from __future__ import annotations

import base64
import json
import math
from datetime import datetime
from uuid import UUID

NOT_OURS = "not a cursor handed out by this list"


class InvalidCursor(ValueError):
    """A cursor that this list did not hand out."""


def encode_cursor(kind: str, key: str | float, item: UUID) -> str:
    """The cursor after the row with this sort key and id, in the list named `kind`."""
    payload = json.dumps([kind, key, str(item)], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode()


def decode_cursor(cursor: str, kind: str) -> tuple[str | float, UUID]:
    """The sort key and id in a cursor of the list named `kind`."""
    try:
        found, key, item = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        valid_key = (isinstance(key, str) and "\x00" not in key) or (
            isinstance(key, int | float) and not isinstance(key, bool) and math.isfinite(key)
        )
        if found != kind:
            raise InvalidCursor("this cursor belongs to another order or list")
        if not valid_key:
            raise InvalidCursor(NOT_OURS)
        return key, UUID(item)
    except InvalidCursor:
        raise
    except (ValueError, TypeError) as error:
        raise InvalidCursor(NOT_OURS) from error


def decode_float_cursor(cursor: str, kind: str) -> tuple[float, UUID]:
    """A cursor whose sort key is a number (scores, rank keys)."""
    key, item = decode_cursor(cursor, kind)
    if isinstance(key, str):
        raise InvalidCursor(NOT_OURS)
    return float(key), item


def decode_time_cursor(cursor: str, kind: str) -> tuple[datetime, UUID]:
    """A cursor whose sort key is an instant (ISO 8601)."""
    key, item = decode_cursor(cursor, kind)
    try:
        return datetime.fromisoformat(str(key)), item
    except ValueError as error:
        raise InvalidCursor(NOT_OURS) from error
