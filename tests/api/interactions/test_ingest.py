"""POST /ingest/interactions: streamed NDJSON, a verdict per line, valid lines land."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from api.auth import Role
from tests.api.conftest import Api, join, unique

WHEN = (datetime.now(UTC) - timedelta(days=2)).isoformat()


def line(**fields: Any) -> bytes:
    """One NDJSON line."""
    return json.dumps(fields).encode() + b"\n"


def post(api: Api, body: bytes | Iterator[bytes], key: str | None, **params: Any) -> Any:
    """POST an NDJSON body (bytes, or chunks streamed one by one)."""
    headers = {"Content-Type": "application/x-ndjson"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return api.client.post(
        f"{api.url}/ingest/interactions", content=body, headers=headers, params=params
    )


def test_a_mixed_body_lands_its_valid_lines_and_explains_the_rest(api: Api, admin_key: str) -> None:
    member = join(api, admin_key)
    handle = unique("ndjson-")
    body = b"".join(
        [
            line(
                member_id=member["id"],
                channel="discord",
                kind="message",
                occurred_at=WHEN,
                external_id=unique("a"),
            ),
            b"{not json\n",
            b"\n",
            line(
                member_id=member["id"],
                channel="discord",
                kind="hug",
                occurred_at=WHEN,
                external_id=unique("b"),
            ),
            line(
                identity_channel="github",
                identity_handle=handle,
                channel="github",
                kind="pull_request",
                occurred_at=WHEN,
                external_id=unique("c"),
            ),
            line(member_id=member["id"], colour="blue"),
            line(
                member_id=member["id"],
                channel="discord",
                kind="reply",
                occurred_at=WHEN,
                external_id="same-twice",
            ),
            line(
                member_id=member["id"],
                channel="discord",
                kind="reply",
                occurred_at=WHEN,
                external_id="same-twice",
            ),
        ]
    )
    answer = post(api, body, admin_key)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["accepted"], report["duplicates"], report["rejected"]) == (2, 1, 4)
    assert [(r["line"], r["field"], r["code"]) for r in report["rejections"]] == [
        (2, "", "INVALID"),
        (4, "kind", "INVALID"),
        (6, "colour", "INVALID"),
        (5, "identity_handle", "IDENTITY_NOT_FOUND"),
    ]
    again = post(api, body, admin_key, create_unknown_members="true").json()
    assert (again["accepted"], again["duplicates"], again["members_created"]) == (1, 3, 1)


def test_a_streamed_body_split_mid_line_is_read_whole(api: Api, admin_key: str) -> None:
    member = join(api, admin_key)
    body = b"".join(
        line(
            member_id=member["id"],
            channel="slack",
            kind="message",
            occurred_at=WHEN,
            external_id=unique("s"),
        )
        for _ in range(25)
    )

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 37):
            yield body[start : start + 37]

    report = post(api, chunks(), admin_key, batch_size=10).json()
    assert (report["accepted"], report["rejected"], report["lines"]) == (25, 0, 25)


def test_a_last_line_without_newline_counts(api: Api, admin_key: str) -> None:
    member = join(api, admin_key)
    body = line(
        member_id=member["id"],
        channel="slack",
        kind="post",
        occurred_at=WHEN,
        external_id=unique("n"),
    ).rstrip(b"\n")
    assert post(api, body, admin_key).json()["accepted"] == 1


def test_ingestion_needs_a_key_that_may_write(api: Api) -> None:
    assert post(api, b"", None).status_code == 401
    assert post(api, b"", api.key(Role.VIEWER)).status_code == 403
    assert post(api, b"", api.key(Role.MANAGER)).json()["accepted"] == 0
