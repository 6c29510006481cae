"""Feedback commands refuse malformed input before the domain sees it, naming the field."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from domain.feedback import commands as fc
from domain.feedback.item import MAX_TEXT

SUBMIT = {"author_id": uuid4(), "channel": "discord", "kind": "idea", "text": "More themes"}
ITEM = {"item_id": uuid4()}


def refused(command: type[fc.Command], **fields: Any) -> str:
    """The field path of the single error the command raises."""
    with pytest.raises(ValidationError) as error:
        command(**fields)
    (only,) = error.value.errors()
    return ".".join(str(part) for part in only["loc"])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", ""),
        ("text", "   "),
        ("text", "x" * (MAX_TEXT + 1)),
        ("text", "bad \x00 byte"),
        ("text", "bell \x07"),
        ("text", "spoof \u202e gpj.exe"),
        ("source_url", "javascript:alert(1)"),
        ("source_url", "ftp://example.org/x"),
        ("source_url", "https://"),
        ("source_url", "https://exa mple.org"),
        ("source_url", "https://example.org:99999/"),
        ("source_url", "https://example.org/" + "a" * 2000),
        ("product_area", " "),
        ("product_area", "a" * 101),
        ("channel", "pigeon"),
        ("kind", "rant"),
        ("submitted_at", "2024-05-01T10:00:00"),
        ("submitted_at", 1714557600),
        ("author_id", "not-a-uuid"),
        ("surprise", 1),
    ],
)
def test_submit_refuses(field: str, value: Any) -> None:
    assert refused(fc.SubmitFeedback, **(SUBMIT | {field: value})) == field


def test_submit_keeps_line_breaks_and_normalises() -> None:
    command = fc.SubmitFeedback(
        **SUBMIT | {"text": "  Line one\n\tLine two  ", "product_area": " Editor   UI "}
    )
    assert command.text == "Line one\n\tLine two"
    assert command.product_area == "Editor UI"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"url": "https://t.example/P-1", "key": "P 1"}, "key"),
        ({"url": "https://t.example/P-1", "key": ""}, "key"),
        ({"url": "https://t.example/P-1", "key": "K" * 101}, "key"),
        ({"url": "https://t.example/P-1", "key": "-1"}, "key"),
        ({"url": "mailto:a@b.org", "key": "P-1"}, "url"),
        ({"url": "https://t.example/P-1", "key": "P-1", "expected_version": 0}, "expected_version"),
    ],
)
def test_tracker_links_refuse(fields: dict[str, Any], field: str) -> None:
    assert refused(fc.LinkFeedbackToTracker, **(ITEM | fields)) == field


@pytest.mark.parametrize("key", ["PROJ-123", "#42", "owner/repo#42", "12345", "A.b_c:9"])
def test_tracker_keys_as_trackers_write_them(key: str) -> None:
    assert fc.LinkFeedbackToTracker(**ITEM, url="http://t.example/x", key=key).key == key


def test_a_status_change_reason_is_bounded() -> None:
    base = ITEM | {"status": "declined", "changed_by": uuid4()}
    assert refused(fc.ChangeFeedbackStatus, **base, reason="r" * 2001) == "reason"
    assert refused(fc.ChangeFeedbackStatus, **(base | {"status": "lost"})) == "status"
