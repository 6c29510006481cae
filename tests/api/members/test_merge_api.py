"""mergeMembers and unmergeMembers over HTTP: roles, typed refusals, one person, and back."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from api.auth import Role
from tests.api.conftest import Api, join, settle, unique

MERGE = """
mutation Merge($input: MergeMembersInput!) {
  mergeMembers(input: $input) {
    __typename
    ... on MembersMerged { merge { id sourceId targetId
        source { status mergedInto } target { tags joinedAt channels } } }
    ... on MergeRefused { field code message }
    ... on NotFound { id }
    ... on Forbidden { requiredRoles }
  }
}
"""
UNMERGE = """
mutation Unmerge($input: UnmergeMembersInput!) {
  unmergeMembers(input: $input) {
    __typename
    ... on MembersUnmerged { merge { id unmergedAt source { status mergedInto tags } } }
    ... on MergeRefused { field code message }
    ... on NotFound { id }
    ... on Forbidden { requiredRoles }
  }
}
"""
BY_HANDLE = """
query ($channel: Channel!, $handle: String!) {
  memberByIdentity(channel: $channel, handle: $handle) { id identities { channel handle } }
}
"""


def merged(api: Api, key: str, source: str, target: str) -> dict[str, Any]:
    """The mergeMembers result."""
    body = api.graphql(MERGE, {"input": {"sourceId": source, "targetId": target}}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["mergeMembers"]
    return result


def pair(api: Api, key: str) -> tuple[str, str, str]:
    """Two members who are one person: (source id, target id, the source's Discord handle)."""
    handle = unique("ada")
    source = join(
        api,
        key,
        identities=[{"channel": "DISCORD", "handle": handle}],
        joinedAt="2024-01-01T00:00:00Z",
    )
    target = join(api, key, identities=[{"channel": "GITHUB", "handle": unique("adal")}])
    api.graphql(
        'mutation ($id: ID!) { tagMember(input: {memberId: $id, tag: "speaker"}) { __typename } }',
        {"id": source["id"]},
        key=key,
    )
    return source["id"], target["id"], handle


PERSON = """
query ($id: ID!) {
  member(id: $id) {
    engagement { interactions }
    interactions(first: 10) { edges { node { externalId summary } } }
  }
}
"""


def person(api: Api, key: str, member_id: str) -> dict[str, Any]:
    """A member's engagement count and interactions (newest first)."""
    body = api.graphql(PERSON, {"id": member_id}, key=key)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["member"]
    return found


def test_a_merge_and_its_undoing_over_http(api: Api, admin_key: str) -> None:
    source, target, handle = pair(api, admin_key)
    said = unique("said")
    body = api.graphql(
        "mutation ($i: RecordInteractionInput!) { recordInteraction(input: $i) { __typename } }",
        {
            "i": {
                "identity": {"channel": "DISCORD", "handle": handle},
                "channel": "DISCORD",
                "kind": "MESSAGE",
                "occurredAt": "2026-01-02T10:00:00Z",
                "externalId": said,
                "summary": "hello from the source",
            }
        },
        key=admin_key,
    )
    assert body["data"]["recordInteraction"]["__typename"] == "InteractionRecorded", body
    result = merged(api, admin_key, source, target)
    assert result["__typename"] == "MembersMerged", result
    merge = result["merge"]
    assert merge["source"] == {"status": "MERGED", "mergedInto": target}
    assert merge["target"]["tags"] == ["speaker"]
    assert merge["target"]["joinedAt"].startswith("2024-01-01")
    assert merge["target"]["channels"] == ["DISCORD", "GITHUB"]
    # Found by the source's handle: the person, with both members' identities.
    found = api.graphql(BY_HANDLE, {"channel": "DISCORD", "handle": handle}, key=admin_key)
    holder = found["data"]["memberByIdentity"]
    assert holder["id"] == target
    assert {i["channel"] for i in holder["identities"]} == {"DISCORD", "GITHUB"}
    settle(api)
    # The person's page shows the source's interactions, opened with the source's key.
    page = person(api, admin_key, target)
    assert page["engagement"]["interactions"] == 1
    assert [e["node"] for e in page["interactions"]["edges"]] == [
        {"externalId": said, "summary": "hello from the source"}
    ]
    undone = api.graphql(UNMERGE, {"input": {"mergeId": merge["id"]}}, key=admin_key)
    assert undone["data"]["unmergeMembers"]["merge"]["source"] == {
        "status": "ACTIVE",
        "mergedInto": None,
        "tags": ["speaker"],
    }
    again = api.graphql(UNMERGE, {"input": {"mergeId": merge["id"]}}, key=admin_key)
    assert again["data"]["unmergeMembers"]["code"] == "NOT_MERGED"
    settle(api)
    found = api.graphql(BY_HANDLE, {"channel": "DISCORD", "handle": handle}, key=admin_key)
    assert found["data"]["memberByIdentity"]["id"] == source


def test_refusals_name_the_field(api: Api, admin_key: str) -> None:
    source, target, _ = pair(api, admin_key)
    assert merged(api, admin_key, source, source) | {"message": ""} == {
        "__typename": "MergeRefused",
        "field": "targetId",
        "code": "SAME_MEMBER",
        "message": "",
    }
    assert merged(api, admin_key, source, target)["__typename"] == "MembersMerged"
    assert merged(api, admin_key, source, target)["code"] == "ALREADY_MERGED"
    other = join(api, admin_key)["id"]
    refused = merged(api, admin_key, other, source)
    assert (refused["field"], refused["code"]) == ("targetId", "MERGED_AWAY")
    erased = join(api, admin_key)["id"]
    api.graphql(
        "mutation ($id: ID!) { eraseMember(input: {memberId: $id}) { __typename } }",
        {"id": erased},
        key=admin_key,
    )
    refused = merged(api, admin_key, other, erased)
    assert (refused["field"], refused["code"]) == ("targetId", "MEMBER_ERASED")
    unknown = "00000000-0000-4000-8000-000000000001"
    assert merged(api, admin_key, unknown, other)["__typename"] == "NotFound"
    bad = api.graphql(UNMERGE, {"input": {"mergeId": "not-a-uuid"}}, key=admin_key)
    assert bad["data"]["unmergeMembers"]["__typename"] == "ValidationFailed"


def test_roles_without_merge_rights_are_refused(api: Api, admin_key: str) -> None:
    source, target, _ = pair(api, admin_key)
    for role in (Role.VIEWER, Role.PRODUCT, Role.MARKETING):
        refused = merged(api, api.key(role), source, target)
        assert refused["__typename"] == "Forbidden"
        assert refused["requiredRoles"] == ["admin", "manager"]
    assert merged(api, api.key(Role.MANAGER), source, target)["__typename"] == "MembersMerged"


def test_two_merges_of_one_source_at_once_one_wins(api: Api, admin_key: str) -> None:
    source, first, _ = pair(api, admin_key)
    second = join(api, admin_key)["id"]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda t: merged(api, admin_key, source, t), (first, second)))
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["MembersMerged", "MergeRefused"], results
    assert next(r for r in results if r["__typename"] == "MergeRefused")["code"] == "ALREADY_MERGED"


SEARCH = """
query ($search: String!) {
  members(first: 10, filter: {search: $search}) {
    totalCount totalCountIsExact edges { node { id status } }
  }
}
"""


def test_search_finds_the_person_once_while_merged_and_each_member_after(
    api: Api, admin_key: str
) -> None:
    word = unique("Quillon").replace("-", "")
    source = join(api, admin_key, displayName=f"{word} Source")["id"]
    target = join(api, admin_key, displayName=f"{word} Target")["id"]

    def found() -> tuple[int, list[str]]:
        body = api.graphql(SEARCH, {"search": word}, key=admin_key)
        assert "errors" not in body, body
        connection = body["data"]["members"]
        ids = [edge["node"]["id"] for edge in connection["edges"]]
        assert connection["totalCount"] == len(ids), connection
        return connection["totalCount"], ids

    settle(api)
    assert sorted(found()[1]) == sorted([source, target])
    merge = merged(api, admin_key, source, target)
    settle(api)
    assert found() == (1, [target])
    api.graphql(UNMERGE, {"input": {"mergeId": merge["merge"]["id"]}}, key=admin_key)
    settle(api)
    assert sorted(found()[1]) == sorted([source, target])
