"""The change feed's opaque cursors, the words text search compares, and notification ids."""

from __future__ import annotations

import pytest

from application.keyed_hashes import LookupHasher
from projections.cursors import InvalidCursor
from projections.feedback.feed import decode_feed_cursor, encode_feed_cursor
from projections.personal import words
from projections.projection import LoggedEvents, ProjectionMisconfigured, notification_ids
from tests.conftest import TEST_SECRET


def test_a_feed_cursor_holds_a_position_and_nothing_else_decodes() -> None:
    assert decode_feed_cursor(None) == decode_feed_cursor("") == 0
    assert decode_feed_cursor(encode_feed_cursor(12345)) == 12345
    assert decode_feed_cursor(encode_feed_cursor(2**63 - 1)) == 2**63 - 1
    forged = [
        "nonsense",
        encode_feed_cursor(1)[:-4],
        "ZmVlZGJhY2stZmVlZDp2MTotMQ==",  # feedback-feed:v1:-1
        "bWVtYmVyczp2MTo1",  # members:v1:5
        "ZmVlZGJhY2stZmVlZDp2MTrZoQ==",  # an Arabic-Indic digit
        encode_feed_cursor(2**63),  # past any notification id
    ]
    for wrong in forged:
        with pytest.raises(InvalidCursor, match="feedback change feed"):
            decode_feed_cursor(wrong)


def test_words_are_normalised_and_hashed_apart_from_handles() -> None:
    assert words("Dark-MODE, dark mode! ﬁle 42") == {"dark", "mode", "file", "42"}
    assert words("?!") == set()
    lookups = LookupHasher(TEST_SECRET.encode())
    assert lookups.word("dark") != lookups.handle("dark")
    assert lookups.word("dark") == LookupHasher(TEST_SECRET.encode()).word("dark")


def test_a_projection_reads_notification_ids_only_from_the_engine() -> None:
    assert notification_ids(LoggedEvents(["a", "b"], [7, 9])) == [7, 9]
    with pytest.raises(ProjectionMisconfigured):
        notification_ids(["a", "b"])
