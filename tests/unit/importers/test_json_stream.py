"""Incremental JSON: items read across chunk edges, bad items skipped, broken files reported."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from application.importers import json_stream
from application.importers.json_stream import BadItem, JsonStream, JsonStructureError

AWKWARD = [
    {"text": 'brackets ] } [ { and "quotes", commas', "n": 12345678901234567890},
    {"escapes": 'back\\slash "quoted" \u00e9 \U0001f600 \n', "nested": [[[]], {}], "f": -1.5e-3},
    "a string",
    0,
    None,
    True,
    [1, [2, [3]]],
]


@pytest.fixture(params=[1, 2, 3, 7, 64])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every chunk size, down to one character: every edge falls somewhere awkward."""
    monkeypatch.setattr(json_stream, "CHUNK", request.param)
    return int(request.param)


def items(text: str) -> list[Any]:
    return list(JsonStream(io.StringIO(text)).items())


def test_items_are_read_whole_across_any_chunk_edge(chunk: int) -> None:
    assert items(json.dumps(AWKWARD, indent=chunk % 3)) == AWKWARD
    assert items(json.dumps(AWKWARD[:2]) + "\n" + json.dumps(AWKWARD[2:])) == AWKWARD


def test_a_bad_item_is_reported_and_the_next_read(chunk: int) -> None:
    read = items('[{"a": 1}, {"b": [1, "]",]}, {"c": {"d": "}"}}, {bad}, 7]')

    assert read[0] == {"a": 1} and read[2] == {"c": {"d": "}"}} and read[4] == 7
    assert isinstance(read[1], BadItem) and read[1].reason.startswith("Expecting value")
    assert isinstance(read[3], BadItem) and "property name" in read[3].reason


def test_the_array_under_a_path_is_found_past_other_keys(chunk: int) -> None:
    text = json.dumps({"a": {"posts": "no"}, "post_stream": {"stream": [1], "posts": AWKWARD}})

    assert list(JsonStream(io.StringIO(text)).items_at(["post_stream", "posts"])) == AWKWARD
    with pytest.raises(JsonStructureError, match="no 'posts' key"):
        empty = JsonStream(io.StringIO('{"post_stream": {"stream": []}}'))
        list(empty.items_at(["post_stream", "posts"]))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[1, 2", "expected ',' or ']' after an item, found the end of the file"),
        ('[1, "abc', "the file ends inside a string"),
        ("[1 2]", "expected ',' or ']' after an item, found '2' at character 3"),
        ("[1, {", "the file ends inside a value"),
        ("{nope", "Expecting property name enclosed in double quotes at character 1"),
    ],
)
def test_a_broken_structure_ends_the_file_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(JsonStructureError) as raised:
        items(text)
    assert str(raised.value) == reason


def test_an_item_past_the_size_limit_is_refused_and_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(json_stream, "CHUNK", 16)
    monkeypatch.setattr(json_stream, "MAX_ITEM", 100)
    read = items(json.dumps([1, {"big": "x" * 500, "more": ["]"]}, 2]))

    assert read[0] == 1 and read[2] == 2
    assert isinstance(read[1], BadItem) and "larger than 100 characters" in read[1].reason


def test_bytes_that_were_not_utf8_refuse_their_item_only() -> None:
    raw = io.BytesIO(b'[{"a": "\xff"}, {"b": 1}]')
    text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
    read = list(JsonStream(text).items())

    assert isinstance(read[0], BadItem) and "not UTF-8" in read[0].reason
    assert read[1] == {"b": 1}
