"""Abuse limits: depth, aliases and tokens are refused before anything runs."""

from __future__ import annotations

import logging

import pytest

from api.graphql.schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.api.conftest import Api, join, unique

MEMBERS_COUNT = "members(filter: {tag: $tag}) { totalCount }"


def _nested(depth: int) -> str:
    """A selection `depth` fields deep: members > edges > node > identities > a > b > ..."""
    inner = " ".join(["{ f"] * (depth - 4)) + " { leaf }" + " }" * (depth - 4)
    return f"{{ members {{ edges {{ node {{ identities {inner} }} }} }} }}"


def test_limits_are_as_documented() -> None:
    """The limits the tests below rely on."""
    assert (MAX_DEPTH, MAX_ALIASES, MAX_TOKENS) == (10, 20, 2_000)


def test_too_deep_query_is_refused(api: Api, admin_key: str) -> None:
    """A document nested deeper than 10 levels is refused with a depth error and no data."""
    body = api.graphql(_nested(MAX_DEPTH + 2), key=admin_key)
    assert body.get("data") is None
    messages = [error["message"] for error in body["errors"]]
    assert any(f"exceeds maximum operation depth of {MAX_DEPTH}" in m for m in messages), messages


def test_depth_error_is_reported_only_beyond_the_limit(api: Api, admin_key: str) -> None:
    """The depth rule itself does not fire on a document within the limit."""
    body = api.graphql(_nested(MAX_DEPTH - 1), key=admin_key)
    messages = [error["message"] for error in body["errors"]]
    assert messages, "the unknown fields are still refused"
    assert not any("maximum operation depth" in m for m in messages), messages


def test_too_deep_query_through_fragments_is_refused(api: Api, admin_key: str) -> None:
    """Fragments do not hide depth."""
    fragments = "\n".join(
        f"fragment F{n} on Member {{ identities {{ a{n} {{ ...F{n + 1} }} }} }}" for n in range(4)
    )
    document = (
        "{ members { edges { node { ...F0 } } } }\n"
        f"{fragments}\nfragment F4 on Member {{ id }}"
    )
    body = api.graphql(document, key=admin_key)
    assert body.get("data") is None
    assert any("maximum operation depth" in e["message"] for e in body["errors"]), body


def test_aliases_up_to_the_limit_are_answered(api: Api, admin_key: str) -> None:
    """Twenty aliases are allowed and each is answered."""
    tag = unique("alias-")
    join(api, admin_key)
    aliases = " ".join(f"a{n}: {MEMBERS_COUNT}" for n in range(MAX_ALIASES))
    body = api.graphql(f"query($tag: String) {{ {aliases} }}", {"tag": tag}, key=admin_key)
    assert "errors" not in body, body
    assert body["data"] == {f"a{n}": {"totalCount": 0} for n in range(MAX_ALIASES)}


def test_too_many_aliases_are_refused(api: Api, admin_key: str) -> None:
    """More than twenty aliases are refused with no data."""
    aliases = " ".join(f"a{n}: {MEMBERS_COUNT}" for n in range(MAX_ALIASES + 1))
    body = api.graphql(
        f"query($tag: String) {{ {aliases} }}", {"tag": unique("alias-")}, key=admin_key
    )
    assert body.get("data") is None
    (error,) = body["errors"]
    assert "aliases" in error["message"].lower()
    assert str(MAX_ALIASES) in error["message"]


def test_aliases_in_mutations_are_limited_too(api: Api, admin_key: str) -> None:
    """Aliased mutations beyond the limit run none of them."""
    member = join(api, admin_key)
    tags = [unique(f"m{n}-") for n in range(MAX_ALIASES + 1)]
    calls = " ".join(
        f't{n}: tagMember(input: {{memberId: "{member["id"]}", tag: "{tag}"}}) {{ __typename }}'
        for n, tag in enumerate(tags)
    )
    body = api.graphql(f"mutation {{ {calls} }}", key=admin_key)
    assert body.get("data") is None
    assert body["errors"]
    after = api.graphql(
        "query($id: ID!) { member(id: $id) { tags version } }", {"id": member["id"]}, key=admin_key
    )
    assert after["data"]["member"] == {"tags": [], "version": 1}


def _long_document(values: int) -> str:
    """A valid members query whose status list holds this many enum values (one token each)."""
    statuses = ", ".join(["ACTIVE"] * values)
    selection = f"members(filter: {{tag: $tag, status: [{statuses}]}}) {{ totalCount }}"
    return f"query($tag: String) {{ {selection} }}"


def test_huge_document_is_refused(api: Api, admin_key: str) -> None:
    """A document of more than 2000 tokens is refused before it is validated."""
    body = api.graphql(_long_document(MAX_TOKENS), {"tag": unique("long-")}, key=admin_key)
    assert body.get("data") is None
    (error,) = body["errors"]
    assert "token" in error["message"].lower()
    assert str(MAX_TOKENS) in error["message"]


def test_document_below_token_limit_is_answered(api: Api, admin_key: str) -> None:
    """The same document a little shorter is answered."""
    body = api.graphql(_long_document(MAX_TOKENS - 100), {"tag": unique("long-")}, key=admin_key)
    assert body == {"data": {"members": {"totalCount": 0}}}


def test_unexpected_errors_are_masked(
    api: Api, admin_key: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A failure the API did not expect reaches the client only as a logged reference."""

    def broken(where: object) -> object:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(api.services.members, "counted", broken)
    with caplog.at_level(logging.ERROR, logger="crm.api.errors"):
        body = api.graphql(
            "query($tag: String) { members(filter: {tag: $tag}) { totalCount } }",
            {"tag": unique("masked-")},
            key=admin_key,
        )
    assert body["data"] is None
    (error,) = body["errors"]
    reference = error["extensions"]["reference"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["message"] == f"Unexpected error (reference {reference})."
    assert error["path"] == ["members", "totalCount"]
    assert "hunter2" not in str(body) and "RuntimeError" not in str(body)
    assert any(reference in record.getMessage() for record in caplog.records)


def test_expected_errors_are_not_masked(api: Api, admin_key: str) -> None:
    """Coded errors (bad input) keep their message and code."""
    body = api.graphql("{ members(first: 0) { totalCount } }", key=admin_key)
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["message"] == "first must be between 1 and 100"
