"""Hostile exports: ZIP bombs, climbing member names, deep nesting, huge values."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from application.importers import json_stream
from application.importers.json_stream import BadItem, JsonStream, JsonStructureError
from application.importers.streams import as_text
from application.members.community import Community
from tests.exports import SlackExport, message, slack_user, ts
from tests.unit.importers.helpers import member_of, run


def items(data: bytes) -> list[object]:
    """Every element of a JSON array given as bytes, read as the parsers read a file."""
    return list(JsonStream(as_text(io.BytesIO(data))).items_at(()))


def test_arrays_are_read_across_chunk_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "CHUNK", 7)
    values = [{"ts": "1.5", "text": "é" * 5}, 123456789, -1.5e3, True, None, "x" * 20, []]
    assert items(("\ufeff" + json.dumps(values)).encode()) == values
    assert items(b" [ ] ") == []


def test_a_broken_document_stops_with_a_reason() -> None:
    with pytest.raises(JsonStructureError, match="expected ',' or ']'"):
        items(b'[{"a": 1} {"b": 2}]')
    with pytest.raises(JsonStructureError, match="the file ends inside a value"):
        items(b'[{"a": 1}, {"b": ')
    with pytest.raises(JsonStructureError, match="expected an array"):
        items(b'{"a": 1}')
    first, second = items(b'["\xff\xfe", 2]')
    assert isinstance(first, BadItem) and "not UTF-8" in first.reason and second == 2


def test_deep_nesting_is_refused_without_exhausting_the_stack() -> None:
    (deep,) = items(b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]")
    assert isinstance(deep, BadItem) and "nested too deeply" in deep.reason
    assert len(items(b"[" + b"[" * 50 + b"]" * 50 + b"]")) == 1  # shallow enough: read


def test_a_huge_value_is_refused_at_the_bound_not_read_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(json_stream, "MAX_ITEM", 1_000_000)
    huge, after = items(b'["' + b"a" * 5_000_000 + b'", 1]')
    assert isinstance(huge, BadItem) and "larger than 1000000" in huge.reason and after == 1


def test_an_object_streams_only_the_named_array(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "CHUNK", 3)
    text = '{"channel": {"id": "1"}, "messages": [1, {"}": "]"}, 2], "bad": [}, "n": 2}'
    seen = [
        (k, list(v) if k == "messages" else v)
        for k, v in JsonStream(io.StringIO(text)).entries("messages")
    ]
    assert seen[:2] == [("channel", {"id": "1"}), ("messages", [1, {"}": "]"}, 2])]
    assert isinstance(seen[2][1], BadItem) and seen[3] == ("n", 2)
    unread = JsonStream(io.StringIO(text)).entries("messages")
    assert [k for k, _ in unread] == ["channel", "messages", "bad", "n"]  # left unread: skipped


def test_climbing_names_and_bombs_in_a_zip_are_refused_and_the_rest_read(
    community: Community, tmp_path: Path
) -> None:
    export = SlackExport(users=[slack_user("U1", "ada")])
    export.channel("C1", "general", general=True)
    export.post("general", 1, message("U1", ts(1)))
    export.raw["../../etc/2026-01-01.json"] = json.dumps([message("U1", ts(1, 1))]).encode()
    export.raw["/abs/2026-01-01.json"] = b"[]"
    export.raw["bomb/2026-01-02.json"] = b"[" + b" " * 50_000_000 + b"]"
    path = export.write(tmp_path / "hostile.zip")

    report = run(community, "slack", path)

    reasons = {e.at.file: e.reason for e in report.errors}
    assert "climbing out" in reasons["../../etc/2026-01-01.json"]
    assert "absolute" in reasons["/abs/2026-01-01.json"]
    assert "ZIP bomb" in reasons["bomb/2026-01-02.json"]
    assert report.imported == 2  # ada, and her one message from the safe member


def test_a_file_that_is_not_a_zip_is_one_clear_error(community: Community, tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(b"not a zip at all")

    report = run(community, "slack", path)

    assert [(e.at.place, e.reason[:24]) for e in report.errors] == [
        ("archive", "not a readable ZIP archi")
    ]


def test_huge_strings_in_fields_are_errors_of_their_record(
    community: Community, tmp_path: Path
) -> None:
    export = SlackExport(users=[slack_user("U1", "ada"), slack_user("U" + "9" * 500, "long")])
    export.post("general", 1, message("U1", ts(1), "x" * 100_000), message("U1", ts(1, 1)))
    with zipfile.ZipFile(export.write(tmp_path / "e.zip")) as archive:
        assert len(archive.namelist()) == 3

    report = run(community, "slack", tmp_path / "e.zip")

    assert [e.reason for e in report.errors] == [
        "identities.0.handle: handle must be at most 200 characters"
    ]
    ada = member_of(community, "slack", "U1")
    assert ada is not None and report.imported == 3  # ada, her long message (summarised), one more
