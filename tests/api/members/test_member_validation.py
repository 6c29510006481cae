"""Refusals are data: ValidationFailed, NotFound and Conflict name what went wrong."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.conftest import Api, join, mutate, read_member, succeed, unique

MEMBERS_WITH_NAME = """
query Named($search: String!) {
  members(filter: {search: $search, status: [ACTIVE, LEFT, ERASED]}) { totalCount }
}
"""


def _fields(result: dict[str, Any]) -> list[str]:
    assert result["__typename"] == "ValidationFailed", result
    assert result["message"].startswith("invalid input: "), result
    return [error["field"] for error in result["fieldErrors"]]


def _count_named(api: Api, key: str, name: str) -> int:
    body = api.graphql(MEMBERS_WITH_NAME, {"search": name}, key=key)
    count: int = body["data"]["members"]["totalCount"]
    return count


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"displayName": "   "}, "displayName"),
        ({"displayName": "x" * 201}, "displayName"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "two@@example.org"}, "email"),
        ({"joinedAt": "2024-05-01T10:00:00"}, "joinedAt"),
        ({"attributes": ["a", "list"]}, "attributes"),
        ({"attributes": {"nested": {"a": 1}}}, "attributes"),
        ({"attributes": {"1bad key": "x"}}, "attributes"),
        ({"attributes": {"gone": None}}, "attributes"),
        ({"identities": [{"channel": "DISCORD", "handle": "  @ "}]}, "identities.0.handle"),
    ],
)
def test_join_member_validation(
    api: Api, admin_key: str, extra: dict[str, Any], field: str
) -> None:
    """Each invalid joinMember input is refused with a camelCase field error; nothing joins."""
    name = unique("Invalid ")
    result = mutate(api, "joinMember", {"displayName": name, **extra}, key=admin_key)
    assert _fields(result) == [field]
    assert all(e["message"] and e["code"] for e in result["fieldErrors"])
    assert _count_named(api, admin_key, name) == 0


def test_join_member_in_the_future(api: Api, admin_key: str) -> None:
    """A joinedAt beyond the tolerated clock skew is refused on joinedAt."""
    name = unique("Future ")
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    result = mutate(api, "joinMember", {"displayName": name, "joinedAt": later}, key=admin_key)
    assert _fields(result) == ["joinedAt"]
    assert result["fieldErrors"][0]["message"] == "must not be in the future"
    assert _count_named(api, admin_key, name) == 0


def test_join_member_duplicate_identities(api: Api, admin_key: str) -> None:
    """The same handle twice in one input (case and @ aside) is refused on identities."""
    name = unique("Twice ")
    handle = unique("dup")
    result = mutate(
        api,
        "joinMember",
        {
            "displayName": name,
            "identities": [
                {"channel": "GITHUB", "handle": handle},
                {"channel": "GITHUB", "handle": f"@{handle.upper()}"},
            ],
        },
        key=admin_key,
    )
    assert _fields(result) == ["identities"]
    assert "twice" in result["fieldErrors"][0]["message"]
    assert _count_named(api, admin_key, name) == 0


def test_join_member_several_errors_at_once(api: Api, admin_key: str) -> None:
    """Every refused field is reported, not only the first."""
    result = mutate(
        api,
        "joinMember",
        {"displayName": "", "email": "nope", "joinedAt": "2020-01-01T00:00:00"},
        key=admin_key,
    )
    assert sorted(_fields(result)) == ["displayName", "email", "joinedAt"]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"displayName": ""}, "displayName"),
        ({"email": "bad"}, "email"),
        ({"attributes": {"deep": [1, 2]}}, "attributes"),
        ({"attributes": "string"}, "attributes"),
        ({"expectedVersion": 0}, "expectedVersion"),
    ],
)
def test_update_profile_validation(
    api: Api, admin_key: str, patch: dict[str, Any], field: str
) -> None:
    """Invalid profile updates are refused and leave the member unchanged."""
    member = join(api, admin_key, email="keep@example.org", attributes={"k": "v"})
    result = mutate(api, "updateMemberProfile", {"memberId": member["id"], **patch}, key=admin_key)
    assert _fields(result) == [field]
    assert read_member(api, member["id"], key=admin_key) == member


@pytest.mark.parametrize("tag", ["has space", "-leading", "semi;colon", "", "x" * 51, "ünï"])
def test_bad_tags(api: Api, admin_key: str, tag: str) -> None:
    """Tags outside the slug rules are refused on the tag field."""
    member = join(api, admin_key)
    result = mutate(api, "tagMember", {"memberId": member["id"], "tag": tag}, key=admin_key)
    assert _fields(result) == ["tag"]
    assert read_member(api, member["id"], key=admin_key)["tags"] == []


@pytest.mark.parametrize(
    ("name", "input"),
    [
        ("updateMemberProfile", {"displayName": "X"}),
        ("linkIdentity", {"channel": "SLACK", "handle": "h"}),
        ("unlinkIdentity", {"channel": "SLACK", "handle": "h"}),
        ("tagMember", {"tag": "t"}),
        ("untagMember", {"tag": "t"}),
        ("markMemberAsStaff", {}),
        ("markMemberAsBot", {}),
        ("markMemberLeft", {}),
        ("rejoinMember", {}),
        ("eraseMember", {}),
    ],
)
def test_member_id_must_be_a_uuid(
    api: Api, admin_key: str, name: str, input: dict[str, Any]
) -> None:
    """A memberId that is not a UUID is a field error on memberId."""
    result = mutate(api, name, {"memberId": "not-a-uuid", **input}, key=admin_key)
    assert _fields(result) == ["memberId"]


@pytest.mark.parametrize(
    ("name", "input"),
    [
        ("updateMemberProfile", {"displayName": "X"}),
        ("linkIdentity", {"channel": "SLACK", "handle": "h"}),
        ("tagMember", {"tag": "t"}),
        ("markMemberLeft", {}),
        ("eraseMember", {}),
    ],
)
def test_unknown_member_is_not_found(
    api: Api, admin_key: str, name: str, input: dict[str, Any]
) -> None:
    """A well-formed id that no member has is NotFound, carrying the id."""
    missing = str(uuid.uuid4())
    result = mutate(api, name, {"memberId": missing, **input}, key=admin_key)
    assert result["__typename"] == "NotFound"
    assert result["id"] == missing
    assert missing in result["message"]


def test_mark_left_reason_too_long(api: Api, admin_key: str) -> None:
    """A reason over 500 characters is refused on reason."""
    member = join(api, admin_key)
    result = mutate(
        api, "markMemberLeft", {"memberId": member["id"], "reason": "r" * 501}, key=admin_key
    )
    assert _fields(result) == ["reason"]


@pytest.mark.parametrize("variant", ["{h}", "{H}", "@{h}", " @{H} "])
def test_linking_a_taken_handle_conflicts(api: Api, admin_key: str, variant: str) -> None:
    """A handle another member holds, in any case and with or without @, is refused."""
    handle = unique("taken")
    holder = join(api, admin_key, identities=[{"channel": "DISCORD", "handle": handle}])
    other = join(api, admin_key)
    given = variant.format(h=handle, H=handle.upper())
    result = mutate(
        api,
        "linkIdentity",
        {"memberId": other["id"], "channel": "DISCORD", "handle": given},
        key=admin_key,
    )
    assert result["__typename"] == "Conflict"
    assert result["code"] == "IDENTITY_ALREADY_LINKED"
    assert result["conflictingMemberId"] == holder["id"]
    assert read_member(api, other["id"], key=admin_key)["identities"] == []


def test_joining_with_a_taken_handle_conflicts(api: Api, admin_key: str) -> None:
    """joinMember with a handle someone holds is refused and records no member."""
    handle = unique("Held")
    holder = join(api, admin_key, identities=[{"channel": "GITHUB", "handle": handle}])
    name = unique("Latecomer ")
    result = mutate(
        api,
        "joinMember",
        {
            "displayName": name,
            "identities": [{"channel": "GITHUB", "handle": f"@{handle.lower()}"}],
        },
        key=admin_key,
    )
    assert result["__typename"] == "Conflict"
    assert result["code"] == "IDENTITY_ALREADY_LINKED"
    assert result["conflictingMemberId"] == holder["id"]
    assert _count_named(api, admin_key, name) == 0


def test_same_handle_on_another_channel_is_free(api: Api, admin_key: str) -> None:
    """A handle is taken per channel: the same text on another channel can be linked."""
    handle = unique("shared")
    join(api, admin_key, identities=[{"channel": "DISCORD", "handle": handle}])
    other = join(api, admin_key)
    linked = succeed(
        api,
        "linkIdentity",
        {"memberId": other["id"], "channel": "SLACK", "handle": handle},
        key=admin_key,
    )
    assert [(i["channel"], i["handle"]) for i in linked["identities"]] == [("SLACK", handle)]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"displayName": "nul\u0000name"}, "displayName"),
        ({"email": "nul\u0000@example.org"}, "email"),
        ({"attributes": {"city": "Os\u0000lo"}}, "attributes"),
        (
            {"identities": [{"channel": "SLACK", "handle": "nul\u0000handle"}]},
            "identities.0.handle",
        ),
    ],
)
def test_nul_characters_are_refused(
    api: Api, admin_key: str, extra: dict[str, Any], field: str
) -> None:
    """NUL characters, which PostgreSQL text cannot hold, are refused before any event."""
    name = unique("Nul ")
    result = mutate(api, "joinMember", {"displayName": name, **extra}, key=admin_key)
    assert _fields(result) == [field]
    member = join(api, admin_key)
    patch = {k: v for k, v in extra.items() if k != "identities"} or {"displayName": "a\u0000"}
    update = mutate(api, "updateMemberProfile", {"memberId": member["id"], **patch}, key=admin_key)
    assert _fields(update)[0] in {field, "displayName"}
    assert read_member(api, member["id"], key=admin_key) == member
    assert _count_named(api, admin_key, name) == 0


def test_nul_in_handle_to_link_is_refused(api: Api, admin_key: str) -> None:
    """linkIdentity refuses a handle with a NUL character."""
    member = join(api, admin_key)
    result = mutate(
        api,
        "linkIdentity",
        {"memberId": member["id"], "channel": "SLACK", "handle": "a\u0000b"},
        key=admin_key,
    )
    assert _fields(result) == ["handle"]
