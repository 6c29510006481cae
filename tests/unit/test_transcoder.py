"""The orjson transcoder writes and reads exactly the library's JSON format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)

from application.transcoder import FastJSONTranscoder


class Colour(StrEnum):
    RED = "red"


def _registered(transcoder: JSONTranscoder) -> JSONTranscoder:
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return transcoder


@pytest.fixture
def fast() -> JSONTranscoder:
    return _registered(FastJSONTranscoder())


@pytest.fixture
def library() -> JSONTranscoder:
    return _registered(JSONTranscoder())


STATES: list[Any] = [
    {
        "member_id": uuid4(),
        "occurred_at": datetime(2026, 5, 1, 10, 0, tzinfo=UTC),
        "kind": "message",
        "thread_ref": None,
        "weights": [1.5, 2, 0.1],
        "_personal": "c2VhbGVk",
    },
    {"nested": {"at": datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=2)))}},
    {"evidence": [{"score": 0.30000000000000004, "ids": [uuid4(), uuid4()]}]},
    {"text": 'é ü 漢字 \U0001f600 "quoted" \\ back', "amount": Decimal("1.10")},
    {"empty": {}, "list": [], "flag": False, "number": -7},
    # A dict shaped like a transcoded value but naming no transcoding is left alone.
    {"look_alike": {"_type_": 1, "other": 2}},
]


@pytest.mark.parametrize("state", STATES)
def test_writes_the_bytes_the_library_writes(
    fast: JSONTranscoder, library: JSONTranscoder, state: Any
) -> None:
    assert fast.encode(state) == library.encode(state)


@pytest.mark.parametrize("state", STATES)
def test_each_reads_the_other(fast: JSONTranscoder, library: JSONTranscoder, state: Any) -> None:
    assert fast.decode(library.encode(state)) == library.decode(library.encode(state))
    assert library.decode(fast.encode(state)) == library.decode(library.encode(state))


def test_enums_are_written_as_their_value(fast: JSONTranscoder, library: JSONTranscoder) -> None:
    assert fast.encode({"c": Colour.RED}) == library.encode({"c": Colour.RED}) == b'{"c":"red"}'


def test_tuples_are_written_as_lists(fast: JSONTranscoder, library: JSONTranscoder) -> None:
    assert fast.encode({"t": (1, "a")}) == library.encode({"t": (1, "a")})


def test_values_orjson_refuses_fall_back_to_the_library(
    fast: JSONTranscoder, library: JSONTranscoder
) -> None:
    state = {"big": 2**70, 1: "integer key"}
    assert fast.encode(state) == library.encode(state)


def test_an_unregistered_type_is_refused(fast: JSONTranscoder) -> None:
    with pytest.raises(TranscodingNotRegisteredError):
        fast.encode({"value": object()})


def test_an_unknown_transcoding_name_is_refused(fast: JSONTranscoder) -> None:
    with pytest.raises(TranscodingNotRegisteredError):
        fast.decode(b'{"v":{"_type_":"nope","_data_":"x"}}')
