"""Transport hardening: malformed bodies, size and nesting limits, operation selection."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.ingest_body import BadLine, numbered_lines
from application.json_depth import TooDeep, check_depth, load_json
from tests.api.conftest import Api, join, unique

WHEN = (datetime.now(UTC) - timedelta(days=2)).isoformat()


def post_graphql(api: Api, content: bytes | Iterator[bytes], key: str) -> httpx.Response:
    """POST raw bytes (or streamed chunks) to /graphql as JSON."""
    return api.client.post(
        f"{api.url}/graphql",
        content=content,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )


def graphql_refusal(response: httpx.Response, status: int) -> str:
    """The single error of a request refused with `status`, as a JSON GraphQL response."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["data"] is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"], error
    message: str = error["message"]
    return message


def nested(depth: int) -> str:
    """A JSON value `depth` arrays deep."""
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('"{ members { totalCount } }"', "a string"),
        ("[1, 2]", "an array"),
        ("42", "a number"),
        ("null", "null"),
        ("true", "a boolean"),
    ],
)
def test_a_body_that_is_not_an_object_is_refused_with_400(
    api: Api, admin_key: str, body: str, named: str
) -> None:
    """Strawberry read `.get` from whatever JSON came: a list or string answered 500."""
    message = graphql_refusal(post_graphql(api, body.encode(), admin_key), 400)
    assert "must be an object" in message and named in message, message


def test_get_variables_that_are_not_an_object_are_refused_with_400(
    api: Api, admin_key: str
) -> None:
    """The same rule for the `variables` of a GET."""
    response = api.client.get(
        f"{api.url}/graphql",
        params={"query": "{ members { totalCount } }", "variables": "[1]"},
        headers={"Authorization": f"Bearer {admin_key}", "Accept": "application/json"},
    )
    assert "must be an object" in graphql_refusal(response, 400)


def test_variables_nested_100000_deep_are_refused_with_400(api: Api, admin_key: str) -> None:
    """They overflowed the JSON decoder's recursion: 500 RecursionError."""
    variables = '{"v": ' + nested(100_000) + "}"
    body = '{"query": "query($v: JSON) { __typename }", "variables": ' + variables + "}"
    message = graphql_refusal(post_graphql(api, body.encode(), admin_key), 400)
    assert "nested deeper than 32 levels" in message, message


def test_nesting_is_allowed_up_to_the_limit(api: Api, admin_key: str) -> None:
    """Body object, variables, and 30 arrays: 32 levels pass the transport, 33 do not."""
    template = '{"query": "{ __typename }", "variables": {"v": DEPTH}}'
    allowed = post_graphql(api, template.replace("DEPTH", nested(30)).encode(), admin_key)
    assert allowed.status_code == 200, allowed.text
    assert allowed.json() == {"data": {"__typename": "Query"}}
    refused = post_graphql(api, template.replace("DEPTH", nested(31)).encode(), admin_key)
    assert "nested deeper than 32" in graphql_refusal(refused, 400)


def test_a_body_over_the_size_limit_is_refused_with_413(api: Api, admin_key: str) -> None:
    """A 2 MiB document is refused before it is read, with a GraphQL-shaped error."""
    padding = " " * (2 * 1024 * 1024)
    body = json.dumps({"query": "{ __typename }" + padding}).encode()
    message = graphql_refusal(post_graphql(api, body, admin_key), 413)
    assert "larger than 1048576 bytes" in message, message


def test_a_chunked_body_over_the_size_limit_is_refused_with_413(api: Api, admin_key: str) -> None:
    """Without Content-Length the bytes are counted as they arrive."""

    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"pad": "'
        for _ in range(40):
            yield b"x" * 64 * 1024
        yield b'"}}'

    message = graphql_refusal(post_graphql(api, chunks(), admin_key), 413)
    assert "larger than" in message


def test_a_body_within_the_size_limit_is_answered(api: Api, admin_key: str) -> None:
    """Just under the limit still runs."""
    body = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * 1_000_000}})
    response = post_graphql(api, body.encode(), admin_key)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__typename": "Query"}}


def _tag_then_read(member_id: str, tag: str) -> str:
    return (
        f'mutation Tag {{ tagMember(input: {{memberId: "{member_id}", tag: "{tag}"}})'
        " { __typename } }\n"
        f'query Read {{ member(id: "{member_id}") {{ tags }} }}'
    )


def _tags(api: Api, member_id: str, key: str) -> list[str]:
    body = api.graphql("query($id: ID!) { member(id: $id) { tags } }", {"id": member_id}, key=key)
    tags: list[str] = body["data"]["member"]["tags"]
    return tags


def test_two_operations_without_an_operation_name_are_refused(api: Api, admin_key: str) -> None:
    """The spec requires operationName here; the first operation used to run."""
    member = join(api, admin_key)
    tag = unique("op-")
    body = json.dumps({"query": _tag_then_read(member["id"], tag)}).encode()
    message = graphql_refusal(post_graphql(api, body, admin_key), 400)
    assert "operationName" in message and "Tag, Read" in message, message
    assert _tags(api, member["id"], admin_key) == []


def test_an_unknown_operation_name_is_refused(api: Api, admin_key: str) -> None:
    """Naming an operation the document does not hold is an error, not a guess."""
    member = join(api, admin_key)
    query = _tag_then_read(member["id"], unique("op-"))
    body = json.dumps({"query": query, "operationName": "Nope"}).encode()
    message = graphql_refusal(post_graphql(api, body, admin_key), 400)
    assert "unknown operation named 'Nope'" in message, message
    refused = json.dumps({"query": "{ __typename }", "operationName": 7}).encode()
    assert "operationName" in graphql_refusal(post_graphql(api, refused, admin_key), 400)


def test_the_named_operation_of_several_runs(api: Api, admin_key: str) -> None:
    """With operationName the chosen operation, and only it, runs."""
    member = join(api, admin_key)
    tag = unique("op-")
    query = _tag_then_read(member["id"], tag)
    body = json.dumps({"query": query, "operationName": "Read"}).encode()
    response = post_graphql(api, body, admin_key)
    assert response.json() == {"data": {"member": {"tags": []}}}
    body = json.dumps({"query": query, "operationName": "Tag"}).encode()
    response = post_graphql(api, body, admin_key)
    assert response.json() == {"data": {"tagMember": {"__typename": "MemberTagged"}}}
    assert _tags(api, member["id"], admin_key) == [tag]


def test_strawberry_refusals_are_json_too(api: Api, admin_key: str) -> None:
    """Unparsable JSON and a missing query are answered as GraphQL errors, not plain text."""
    assert "JSON" in graphql_refusal(post_graphql(api, b"{oops", admin_key), 400)
    assert "query" in graphql_refusal(post_graphql(api, b"{}", admin_key), 400).lower()


def ingest(api: Api, body: bytes | Iterator[bytes], key: str) -> dict[str, Any]:
    """POST an NDJSON body; returns the report (asserting 200)."""
    response = api.client.post(
        f"{api.url}/ingest/interactions",
        content=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def _record(member_id: str) -> bytes:
    fields = {
        "member_id": member_id,
        "channel": "discord",
        "kind": "message",
        "occurred_at": WHEN,
        "external_id": unique("tr-"),
    }
    return json.dumps(fields).encode() + b"\n"


TOO_LONG = "line longer than 65536 bytes; no valid record is that long"


def test_an_overlong_ingest_line_is_refused_and_the_others_land(api: Api, admin_key: str) -> None:
    """A line over 64 KiB is dropped unread (never held whole), with its line number."""
    member = join(api, admin_key)

    def chunks() -> Iterator[bytes]:
        yield _record(member["id"])
        yield b'{"summary": "'
        for _ in range(10):
            yield b"y" * 32 * 1024
        yield b'"}\n' + _record(member["id"])
        yield b"z" * 200 * 1024  # an overlong last line without a newline

    report = ingest(api, chunks(), admin_key)
    assert report["accepted"] == 2, report
    assert report["rejections"] == [
        {"line": 2, "field": "", "reason": TOO_LONG, "code": "TOO_LONG"},
        {"line": 4, "field": "", "reason": TOO_LONG, "code": "TOO_LONG"},
    ]


def test_a_deeply_nested_ingest_line_is_refused_not_a_500(api: Api, admin_key: str) -> None:
    """Nesting beyond the limit (and far beyond: 30,000) is a rejected line."""
    member = join(api, admin_key)
    body = (
        b'{"summary": '
        + nested(33).encode()
        + b"}\n"
        + b'{"summary": '
        + nested(30_000).encode()
        + b"}\n"
        + _record(member["id"])
    )
    report = ingest(api, body, admin_key)
    assert report["accepted"] == 1, report
    reasons = [(r["line"], r["code"], r["reason"]) for r in report["rejections"]]
    assert reasons == [
        (1, "TOO_DEEP", "JSON nested deeper than 32 levels"),
        (2, "TOO_DEEP", "JSON nested deeper than 32 levels"),
    ]


def test_other_endpoints_refuse_large_bodies_with_413(api: Api, admin_key: str) -> None:
    """The body limit covers every path but the streamed ingest."""
    response = api.client.post(
        f"{api.url}/healthz",
        content=b"x" * (2 * 1024 * 1024),
        headers={"Content-Length": "2097152"},
    )
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def _split(body: bytes, size: int, max_line: int) -> list[tuple[int, bytes | str]]:
    """numbered_lines over `body` cut into chunks of `size` bytes; too-long lines as 'LONG'."""

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), size):
            yield body[start : start + size]

    async def collect() -> list[tuple[int, bytes | str]]:
        found: list[tuple[int, bytes | str]] = []
        async for lines in numbered_lines(chunks(), max_line):
            found += [(x.number, "LONG") if isinstance(x, BadLine) else x for x in lines]
        return found

    return asyncio.run(collect())


@pytest.mark.parametrize("size", [1, 3, 7, 64])
def test_lines_are_numbered_and_bounded_whatever_the_chunking(size: int) -> None:
    """A line of exactly the limit passes; one byte more is dropped, wherever chunks split."""
    body = b"abcd\n" + b"x" * 9 + b"\n\nefgh\n" + b"y" * 30 + b"\nlast"
    assert _split(body, size, max_line=8) == [
        (1, b"abcd"),
        (2, "LONG"),
        (3, b""),
        (4, b"efgh"),
        (5, "LONG"),
        (6, b"last"),
    ]
    assert _split(b"z" * 8 + b"\n" + b"w" * 20, size, max_line=8) == [(1, b"z" * 8), (2, "LONG")]


def test_depth_is_counted_in_arrays_and_objects() -> None:
    """A scalar is depth 0; each array or object adds one."""
    check_depth({"a": [1, {"b": 2}]}, 3)
    with pytest.raises(TooDeep):
        check_depth({"a": [1, {"b": []}]}, 3)
    with pytest.raises(TooDeep):
        load_json(b"[" * 5000 + b"]" * 5000, 32)
