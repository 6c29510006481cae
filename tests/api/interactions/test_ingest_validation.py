"""POST /ingest/interactions at its edges: media types, gzip, BOMs, bad moments and handles."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from application.settings import Settings
from tests.api.conftest import Api, join, unique

LINE_LIMIT = Settings.model_fields["max_ingest_line_bytes"].default

WHEN = (datetime.now(UTC) - timedelta(days=2)).isoformat()
BY_IDENTITY = """
query ByIdentity($handle: String!) { memberByIdentity(channel: SLACK, handle: $handle) { id } }
"""


def line(**fields: Any) -> bytes:
    """One NDJSON line."""
    return json.dumps(fields).encode() + b"\n"


def message(**fields: Any) -> bytes:
    """A Slack message a couple of days ago, by the given member or identity."""
    values = {
        "channel": "slack",
        "kind": "message",
        "occurred_at": WHEN,
        "external_id": unique("v-"),
        **fields,
    }
    return line(**values)


def post(api: Api, body: bytes, key: str, headers: dict[str, str], **params: Any) -> Any:
    """POST a body with exactly these headers (and the key)."""
    return api.client.post(
        f"{api.url}/ingest/interactions",
        content=body,
        headers={"Authorization": f"Bearer {key}", **headers},
        params=params,
    )


NDJSON = {"Content-Type": "application/x-ndjson"}


def holds(api: Api, key: str, handle: str) -> bool:
    """Whether some member holds this Slack handle, once the members view is up to date."""
    head = api.services.runtime.community.recorder.max_notification_id()
    assert api.services.wait_for_members(head)
    body = api.graphql(BY_IDENTITY, {"handle": handle}, key=key)
    assert "errors" not in body, body
    return body["data"]["memberByIdentity"] is not None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Content-Type": "text/plain"},
        {"Content-Type": "application/json"},
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "application/x-ndjson; charset=latin-1"},
    ],
)
def test_other_or_missing_media_types_are_refused_with_415(
    api: Api, admin_key: str, headers: dict[str, str]
) -> None:
    member = join(api, admin_key)
    answer = post(api, message(member_id=member["id"]), admin_key, headers)
    assert answer.status_code == 415, answer.text
    assert "application/x-ndjson" in answer.json()["detail"]


@pytest.mark.parametrize(
    "content_type",
    ["application/x-ndjson", "application/jsonl", "Application/X-NDJSON; charset=utf-8"],
)
def test_ndjson_media_types_are_read(api: Api, admin_key: str, content_type: str) -> None:
    member = join(api, admin_key)
    answer = post(api, message(member_id=member["id"]), admin_key, {"Content-Type": content_type})
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1


def test_a_gzip_body_is_decoded(api: Api, admin_key: str) -> None:
    member = join(api, admin_key)
    body = b"".join(message(member_id=member["id"]) for _ in range(30))
    headers = {**NDJSON, "Content-Encoding": "gzip"}
    report = post(api, gzip.compress(body), admin_key, headers, batch_size=7).json()
    assert (report["accepted"], report["rejected"], report["lines"]) == (30, 0, 30)


@pytest.mark.parametrize("encoding", ["br", "deflate", "compress", "zstd"])
def test_other_content_encodings_are_refused_with_415(
    api: Api, admin_key: str, encoding: str
) -> None:
    answer = post(api, b"", admin_key, {**NDJSON, "Content-Encoding": encoding})
    assert answer.status_code == 415
    assert "gzip" in answer.json()["detail"]


def test_a_gzip_bomb_line_is_refused_unread_and_the_rest_land(api: Api, admin_key: str) -> None:
    member = join(api, admin_key)
    bomb = b'{"summary": "' + b"a" * 50_000_000 + b'"}\n'
    body = message(member_id=member["id"]) + bomb + message(member_id=member["id"])
    compressed = gzip.compress(body)
    assert len(compressed) < 1_000_000
    answer = post(api, compressed, admin_key, {**NDJSON, "Content-Encoding": "gzip"})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["accepted"], report["rejected"], report["lines"]) == (2, 1, 3)
    (rejection,) = report["rejections"]
    assert rejection["line"] == 2
    assert f"longer than {LINE_LIMIT} bytes" in rejection["reason"]


def test_a_corrupt_gzip_body_is_a_rejection_not_a_crash(api: Api, admin_key: str) -> None:
    member = join(api, admin_key)
    whole = gzip.compress(message(member_id=member["id"]) + message(member_id=member["id"]))
    for body in (whole[: len(whole) - 12], b"not gzip at all"):
        answer = post(api, body, admin_key, {**NDJSON, "Content-Encoding": "gzip"})
        assert answer.status_code == 200, answer.text
        reasons = [r["reason"] for r in answer.json()["rejections"]]
        assert any("gzip body" in reason for reason in reasons), reasons


def test_a_byte_order_mark_is_not_part_of_line_one(api: Api, admin_key: str) -> None:
    member = join(api, admin_key)
    for encoding, packed in (({}, bytes), ({"Content-Encoding": "gzip"}, gzip.compress)):
        body = b"\xef\xbb\xbf" + message(member_id=member["id"]) + message(member_id=member["id"])
        report = post(api, packed(body), admin_key, {**NDJSON, **encoding}).json()
        assert (report["accepted"], report["rejected"]) == (2, 0), report


@pytest.mark.parametrize(
    ("occurred_at", "reason"),
    [
        (1714557600, "must be an ISO 8601 time with a timezone"),
        ("1714557600", "must be an ISO 8601 time with a timezone"),
        ("0001-01-01T00:00:00Z", "must not be before 1990-01-01"),
        ("1900-01-01T00:00:00Z", "must not be before 1990-01-01"),
        ("1970-01-01T00:00:00Z", "must not be before 1990-01-01"),
        ("9999-01-01T00:00:00Z", "must not be in the future"),
    ],
)
def test_occurred_at_outside_the_accepted_form_or_span_is_rejected_without_a_member(
    api: Api, admin_key: str, occurred_at: Any, reason: str
) -> None:
    handle = unique("when-")
    body = message(identity_channel="slack", identity_handle=handle, occurred_at=occurred_at)
    report = post(api, body, admin_key, NDJSON, create_unknown_members="true").json()
    assert (report["accepted"], report["rejected"], report["members_created"]) == (0, 1, 0)
    (rejection,) = report["rejections"]
    assert rejection["field"] == "occurred_at"
    assert rejection["reason"].startswith(reason)
    assert not holds(api, admin_key, handle)


@pytest.mark.parametrize(
    ("identity", "field", "reason"),
    [
        ({"identity_channel": "slack", "identity_handle": ""}, "identity_handle", "handle must"),
        ({"identity_handle": "someone"}, "identity_channel", "required with identity_handle"),
        ({"identity_channel": "slack", "identity_handle": "a\u202eb"}, "identity_handle", "U+202E"),
        ({"identity_channel": "slack", "identity_handle": "a\x1bb"}, "identity_handle", "U+001B"),
        # An exporter's missing handle written as an empty array, object or false: issue 12.
        ({"identity_channel": "slack", "identity_handle": []}, "identity_handle", "an empty array"),
        ({"identity_channel": "slack", "identity_handle": {}}, "identity_handle", "empty object"),
        ({"identity_channel": "slack", "identity_handle": False}, "identity_handle", "true or"),
        ({"identity_channel": "slack", "identity_handle": 0}, "identity_handle", "a number"),
        (
            {"identity_channel": "slack", "identity_handle": "someone", "external_id": ["x"]},
            "external_id",
            "must be text (a JSON string), not an array",
        ),
    ],
)
def test_bad_identities_name_the_field_and_why(
    api: Api, admin_key: str, identity: dict[str, Any], field: str, reason: str
) -> None:
    report = post(api, message(**identity), admin_key, NDJSON).json()
    (rejection,) = report["rejections"]
    assert rejection["field"] == field
    assert reason in rejection["reason"]
    assert "valid string" not in rejection["reason"]


def test_an_empty_handle_says_it_must_not_be_empty(api: Api, admin_key: str) -> None:
    body = message(identity_channel="slack", identity_handle="")
    (rejection,) = post(api, body, admin_key, NDJSON).json()["rejections"]
    assert rejection["reason"] == "handle must not be empty (identity_channel is given)"


def test_a_duplicate_line_creates_no_member(api: Api, admin_key: str) -> None:
    member = join(api, admin_key)
    external = unique("dup-")
    first = post(api, message(member_id=member["id"], external_id=external), admin_key, NDJSON)
    assert first.json()["accepted"] == 1
    ghost, twin = unique("ghost-"), unique("twin-")
    body = (
        message(identity_channel="slack", identity_handle=ghost, external_id=external)
        + message(identity_channel="slack", identity_handle=twin, external_id=unique("t-"))
        + message(identity_channel="slack", identity_handle=unique("late-"), external_id="")
    )
    report = post(api, body, admin_key, NDJSON, create_unknown_members="true").json()
    assert (report["accepted"], report["duplicates"], report["rejected"]) == (1, 1, 1)
    assert report["members_created"] == 1
    assert not holds(api, admin_key, ghost)
    assert holds(api, admin_key, twin)


def test_a_normalised_handle_finds_the_member_a_decomposed_one_created(
    api: Api, admin_key: str
) -> None:
    suffix = unique("")
    body = message(identity_channel="slack", identity_handle=f"jose\u0301{suffix}")
    report = post(api, body, admin_key, NDJSON, create_unknown_members="true").json()
    assert report["members_created"] == 1
    assert holds(api, admin_key, f"jos\u00e9{suffix}")
    again = message(identity_channel="slack", identity_handle=f"JOS\u00c9{suffix}")
    report = post(api, again, admin_key, NDJSON, create_unknown_members="true").json()
    assert (report["accepted"], report["members_created"]) == (1, 0)
