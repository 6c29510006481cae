"""The one keyset codec: cursors round-trip per key type, and foreign cursors are refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from operator import itemgetter
from uuid import UUID, uuid4

import pytest

from projections.cursors import InvalidCursor, Keyset, Row, encode_cursor

WHEN = datetime(2026, 11, 20, 18, 2, tzinfo=UTC)
BY_TIME = Keyset("interactions", itemgetter("at"), "id", datetime)
BY_SCORE = Keyset("top", itemgetter("score"), "id", float)
BY_NAME = Keyset("by_name", lambda row: row["name"].lower(), "id", str)
# A fixed id: parameters stay the same from one collection to the next (pytest-xdist).
ANY_ID = "8b92bcdd-2478-47b3-899d-928c5aaf5104"


def rows(count: int) -> list[Row]:
    """Rows as a list query returns them."""
    return [{"id": uuid4(), "at": WHEN, "score": 2.5 * n, "name": f"Ann {n}"} for n in range(count)]


def raw(*payload: object) -> str:
    """A cursor carrying any payload, as a client could forge it."""
    return base64.urlsafe_b64encode(json.dumps(list(payload)).encode()).decode()


@pytest.mark.parametrize(("keyset", "key"), [(BY_TIME, WHEN), (BY_SCORE, 5.0), (BY_NAME, "ann 2")])
def test_a_page_hands_out_cursors_that_decode_to_each_rows_key_and_id(
    keyset: Keyset, key: object
) -> None:
    """The cursor of a row continues after exactly that row's sort key and id."""
    fetched = rows(3)
    page = keyset.page(fetched, 3)
    assert page.rows == fetched and not page.has_next
    decoded = keyset.decode(page.cursors[2])
    assert decoded == (key, fetched[2]["id"])
    assert type(decoded[0]) is type(key)


def test_a_page_keeps_the_limit_and_knows_more_follow_from_the_extra_row() -> None:
    """Queries fetch limit + 1 rows: the extra one only says that more follow."""
    fetched = rows(4)
    page = BY_SCORE.page(fetched, 3)
    assert page.rows == fetched[:3] and page.has_next
    assert len(page.cursors) == 3
    empty = BY_SCORE.page([], 3)
    assert empty.rows == [] and empty.cursors == [] and not empty.has_next


def test_a_cursor_of_another_list_or_order_is_refused_by_name() -> None:
    """Cursors name their list, so one list's cursor cannot page another."""
    cursor = encode_cursor("top", 1.0, uuid4())
    with pytest.raises(InvalidCursor, match="^this cursor belongs to another order or list$"):
        Keyset("at_risk", itemgetter("score"), "id", float).decode(cursor)


@pytest.mark.parametrize(
    ("keyset", "cursor"),
    [
        (BY_SCORE, "not a cursor"),
        (BY_SCORE, raw("top", "1.0", ANY_ID)),
        (BY_SCORE, raw("top", True, ANY_ID)),
        (BY_SCORE, raw("top", 1.0, "not-a-uuid")),
        (BY_SCORE, raw("top", 1.0, 7)),
        (BY_SCORE, raw("top", 1.0)),
        (BY_SCORE, base64.urlsafe_b64encode(b'["top", Infinity, "x"]').decode()),
        (BY_TIME, raw("interactions", "yesterday", ANY_ID)),
        (BY_TIME, raw("interactions", 20261120, ANY_ID)),
        (BY_NAME, raw("by_name", 3, ANY_ID)),
        (BY_NAME, raw("by_name", "a\x00b", ANY_ID)),
    ],
)
def test_a_cursor_this_list_did_not_hand_out_is_refused(keyset: Keyset, cursor: str) -> None:
    """Forged or damaged cursors are InvalidCursor (BAD_USER_INPUT), never a crash."""
    with pytest.raises(InvalidCursor, match="^not a cursor handed out by this list$"):
        keyset.decode(cursor)


def test_cursors_keep_the_wire_format_clients_already_hold() -> None:
    """Cursors handed out before the codec was shared still page on: (kind, key, id) JSON."""
    item = UUID("00000000-0000-4000-8000-000000000001")
    cursor = encode_cursor("joined_at_desc", WHEN, item)
    assert json.loads(base64.urlsafe_b64decode(cursor)) == [
        "joined_at_desc",
        "2026-11-20T18:02:00+00:00",
        str(item),
    ]
