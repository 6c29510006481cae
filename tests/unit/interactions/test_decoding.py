"""The compiled decoder reads every line as the pydantic path does: same values, same refusals."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

import pytest

from application.interactions.decoding import ValidRecord, decode_fields, decode_line
from application.interactions.lines import (
    MAX_LINE_DEPTH,
    LineRejection,
    ndjson_record,
    record_from_fields,
)
from domain.interactions.commands import InteractionFields

MEMBER = str(uuid4())
PLAIN: dict[str, Any] = {
    "identity_channel": "discord",
    "identity_handle": "ada",
    "channel": "discord",
    "kind": "message",
    "occurred_at": "2024-05-01T10:00:00.123456+00:00",
    "external_id": "m-1",
}


GONE = object()


def variant(**changes: Any) -> dict[str, Any]:
    """The plain record with some fields changed (GONE: the field left out)."""
    record = {**PLAIN, **changes}
    return {k: v for k, v in record.items() if v is not GONE}


# Each is a line the pydantic path accepts or refuses; the compiled path must agree.
LINES: list[Any] = [
    PLAIN,
    variant(occurred_at="2024-05-01T10:00:00Z"),
    variant(occurred_at="2024-05-01T10:00:00.5-03:30"),
    variant(occurred_at="2024-05-01T10:00:00-00:00"),
    variant(occurred_at="2024-05-01 10:00:00Z"),
    variant(occurred_at="2024-05-01T10:00Z"),
    variant(occurred_at="2024-05-01T10:00:00"),
    variant(occurred_at="2024-02-30T10:00:00Z"),
    variant(occurred_at="2024-05-01T24:00:00Z"),
    variant(occurred_at="2024-05-01T10:00:00+24:00"),
    variant(occurred_at="2024-05-01T10:00:00.1234567Z"),
    variant(occurred_at=1714557600),
    variant(occurred_at="1714557600"),
    variant(occurred_at=""),
    variant(occurred_at=GONE),
    variant(identity_handle="@ada"),
    variant(identity_handle=" ada "),
    variant(identity_handle="@"),
    variant(identity_handle=""),
    variant(identity_handle=GONE),
    variant(identity_handle="Ad\u0061\u0301"),
    variant(identity_handle="a\u202eb"),
    variant(identity_handle="a\x00b"),
    variant(identity_handle="a\tb"),
    variant(identity_handle="x" * 200),
    variant(identity_handle="x" * 201),
    variant(identity_handle=[]),
    variant(identity_handle=0),
    variant(identity_channel=GONE),
    variant(identity_channel=""),
    variant(identity_channel="myspace"),
    variant(identity_channel=" discord"),
    variant(member_id=MEMBER),
    variant(member_id=MEMBER, identity_channel=GONE, identity_handle=GONE),
    variant(member_id=MEMBER.replace("-", ""), identity_channel=GONE, identity_handle=GONE),
    variant(member_id="not-a-uuid", identity_channel=GONE, identity_handle=GONE),
    variant(member_id=MEMBER, identity_channel=GONE),
    variant(member_id="", identity_channel=GONE, identity_handle=GONE),
    variant(identity_channel=None, identity_handle=None),
    variant(channel="Discord"),
    variant(channel=GONE),
    variant(kind="wave"),
    variant(kind=None),
    variant(external_id=""),
    variant(external_id=" m-1"),
    variant(external_id="x" * 200),
    variant(external_id="x" * 201),
    variant(external_id="a\x00b"),
    variant(external_id=7),
    variant(thread_ref=""),
    variant(thread_ref="t-1"),
    variant(thread_ref="t" * 201),
    variant(url="https://example.org/m/1"),
    variant(url="ftp://example.org"),
    variant(url="https://" + "x" * 1993),
    variant(url="https://" + "x" * 1992),
    variant(url=" https://example.org"),
    variant(summary="said hello"),
    variant(summary="s" * 2001),
    variant(summary="line\nbreak inside"),
    variant(summary="ends with space "),
    variant(colour="blue"),
    variant(summary={"nested": [1, 2]}),
    [PLAIN],
    "text",
    None,
]


def as_fields(record: InteractionFields) -> tuple[Any, ...]:
    """Every field a record holds, moments by their stored form."""
    identity = record.identity
    return (
        record.member_id,
        (identity.channel, identity.handle) if identity is not None else None,
        record.channel,
        record.kind,
        record.occurred_at,
        record.occurred_at.isoformat(),
        record.external_id,
        record.thread_ref,
        record.url,
        record.summary,
    )


def same(fast: Any, slow: Any) -> None:
    """Both refused alike, or both accepted with equal values."""
    if isinstance(slow, LineRejection) or slow is None:
        assert fast == slow
    else:
        assert not isinstance(fast, LineRejection)
        assert as_fields(fast) == as_fields(slow)


@pytest.mark.parametrize("value", LINES)
def test_a_line_reads_the_same_either_way(value: Any) -> None:
    raw = json.dumps(value).encode()
    same(decode_line(9, raw, MAX_LINE_DEPTH), ndjson_record(9, raw))


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   ",
        b"{",
        b'{"a": "\\ud800"}',
        b'{"external_id": "\xff"}',
        b"[[[[[[[[[[[[[[]]]]]]]]]]]]]]",
    ],
)
def test_broken_lines_are_refused_as_before(raw: bytes) -> None:
    same(decode_line(3, raw, 4), ndjson_record(3, raw, 4))


@pytest.mark.parametrize("value", [v for v in LINES if isinstance(v, dict)])
def test_a_csv_row_reads_the_same_either_way(value: dict[str, Any]) -> None:
    row = {k: "" if v is None else v for k, v in value.items()}
    same(decode_fields(5, row), record_from_fields(5, row))


def test_plain_lines_take_the_compiled_path() -> None:
    assert isinstance(decode_line(1, json.dumps(PLAIN).encode(), MAX_LINE_DEPTH), ValidRecord)
    by_id = variant(member_id=MEMBER, identity_channel=GONE, identity_handle=GONE)
    assert isinstance(decode_line(1, json.dumps(by_id).encode(), MAX_LINE_DEPTH), ValidRecord)
