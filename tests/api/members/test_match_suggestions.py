"""identityMatchSuggestions over HTTP: evidence, paging, rejection remembered, accepting merges."""

from __future__ import annotations

from typing import Any

from api.auth import Role
from tests.api.conftest import Api, join, settle, unique

SUGGESTIONS = """
query ($first: Int!, $after: String) {
  identityMatchSuggestions(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { firstMemberId secondMemberId confidence
      members { id displayName email }
      evidence { kind confidence firstChannel secondChannel sharedThreads } } }
  }
}
"""
RECORD = "mutation ($i: RecordInteractionInput!) { recordInteraction(input: $i) { __typename } }"
JUDGE = """
mutation ($input: IdentityMatchInput!) {
  %s(input: $input) {
    __typename
    %s
    ... on MergeRefused { field code }
    ... on Forbidden { requiredRoles }
  }
}
"""


def suggestions(api: Api, key: str) -> list[dict[str, Any]]:
    """Every suggested pair, read page by page (two at a time)."""
    found, after = [], None
    while True:
        body = api.graphql(SUGGESTIONS, {"first": 2, "after": after}, key=key)
        assert "errors" not in body, body
        page = body["data"]["identityMatchSuggestions"]
        found += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def pair_of(found: list[dict[str, Any]], a: str, b: str) -> dict[str, Any] | None:
    """The suggestion of these two members, if suggested."""
    return next((s for s in found if {s["firstMemberId"], s["secondMemberId"]} == {a, b}), None)


def judge(api: Api, key: str, name: str, source: str, target: str) -> dict[str, Any]:
    """Accept or reject a pair."""
    success = {
        "acceptIdentityMatch": "... on MembersMerged { merge { id sourceId targetId } }",
        "rejectIdentityMatch": "... on IdentityMatchRejected { firstMemberId secondMemberId }",
    }[name]
    body = api.graphql(
        JUDGE % (name, success), {"input": {"sourceId": source, "targetId": target}}, key=key
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


def test_suggestions_show_evidence_and_forget_rejected_pairs(api: Api, admin_key: str) -> None:
    handle, email = unique("grace"), f"{unique('g')}@example.org"
    name = unique("Grace Hopper ")
    by_email = [join(api, admin_key, email=email)["id"] for _ in range(1)]
    a = join(
        api, admin_key, displayName=name, identities=[{"channel": "DISCORD", "handle": handle}]
    )
    b = join(
        api,
        admin_key,
        displayName=name.upper().replace(" ", "."),
        identities=[{"channel": "GITHUB", "handle": handle}],
    )
    c = join(api, admin_key, email=email.upper())
    thread = unique("t")
    for member, n in ((a, 1), (b, 2)):
        body = api.graphql(
            RECORD,
            {
                "i": {
                    "memberId": member["id"],
                    "channel": "DISCORD",
                    "kind": "MESSAGE",
                    "occurredAt": f"2026-01-0{n}T10:00:00Z",
                    "externalId": unique("m"),
                    "threadRef": thread,
                }
            },
            key=admin_key,
        )
        assert "errors" not in body, body
    settle(api)
    found = suggestions(api, admin_key)
    handles = pair_of(found, a["id"], b["id"])
    assert handles is not None
    kinds = {e["kind"] for e in handles["evidence"]}
    assert kinds == {"SAME_HANDLE", "SIMILAR_NAME_SHARED_THREADS"}
    assert handles["confidence"] == 0.85  # 1 - (1 - 0.7) * (1 - 0.5)
    emails = pair_of(found, by_email[0], c["id"])
    assert emails is not None and emails["evidence"][0]["kind"] == "SAME_EMAIL"
    # Most probable first.
    assert [s["confidence"] for s in found] == sorted(
        (s["confidence"] for s in found), reverse=True
    )
    # A viewer sees the pairs, never the names or e-mails behind them.
    viewed = pair_of(suggestions(api, api.key(Role.VIEWER)), a["id"], b["id"])
    assert viewed is not None
    assert {m["displayName"] for m in viewed["members"]} == {None}
    assert (
        judge(api, api.key(Role.VIEWER), "rejectIdentityMatch", a["id"], b["id"])["__typename"]
        == "Forbidden"
    )
    rejected = judge(api, admin_key, "rejectIdentityMatch", a["id"], b["id"])
    assert rejected["__typename"] == "IdentityMatchRejected"
    assert pair_of(suggestions(api, admin_key), a["id"], b["id"]) is None
    # Rejecting again changes nothing; accepting the other pair merges it.
    assert (
        judge(api, admin_key, "rejectIdentityMatch", b["id"], a["id"])["__typename"]
        == "IdentityMatchRejected"
    )
    accepted = judge(api, admin_key, "acceptIdentityMatch", c["id"], by_email[0])
    assert accepted["__typename"] == "MembersMerged"
    settle(api)
    assert pair_of(suggestions(api, admin_key), c["id"], by_email[0]) is None
    assert judge(api, admin_key, "rejectIdentityMatch", a["id"], a["id"])["code"] == "SAME_MEMBER"
