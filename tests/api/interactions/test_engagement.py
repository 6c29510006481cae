"""Interactions and engagement over real HTTP: record, rank, explain a member's activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.conftest import Api, join, unique

RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) {
    __typename
    ... on InteractionRecorded {
      duplicate memberCreated
      interaction { id memberId channel kind occurredAt externalId threadRef url summary }
    }
    ... on ValidationFailed { fieldErrors { field message } }
    ... on NotFound { id message }
    ... on Conflict { code message }
    ... on Forbidden { requiredRoles }
  }
}
"""
ENGAGEMENT = """
query Page($id: ID!) {
  member(id: $id) {
    engagement {
      score rank percentile rankedMembers interactions lastInteractionAt ruleVersion
      weeklyActivity { week channel interactions weight }
    }
    interactions(first: 2) {
      pageInfo { hasNextPage endCursor }
      edges { node { externalId kind summary } }
    }
  }
}
"""
TOP = """
query Top($first: Int!, $after: String, $channel: Channel) {
  topMembers(first: $first, after: $after, channel: $channel) {
    pageInfo { hasNextPage endCursor }
    edges { node { rank score member { id displayName } } }
  }
}
"""
NOW = datetime.now(UTC)


def record(api: Api, key: str, **fields: Any) -> dict[str, Any]:
    """Send recordInteraction; returns the result union member."""
    values = {
        "channel": "DISCORD",
        "kind": "MESSAGE",
        "occurredAt": (NOW - timedelta(days=1)).isoformat(),
        "externalId": unique("msg-"),
        **fields,
    }
    body = api.graphql(RECORD, {"input": values}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["recordInteraction"]
    return result


def test_record_interaction_reads_its_write_and_is_idempotent(api: Api, admin_key: str) -> None:
    member = join(api, admin_key, displayName="Recorder")
    external = unique("msg-")
    first = record(
        api, admin_key, memberId=member["id"], externalId=external, summary="hello", threadRef="t1"
    )
    assert first["__typename"] == "InteractionRecorded" and first["duplicate"] is False
    assert first["interaction"]["summary"] == "hello"
    assert first["interaction"]["memberId"] == member["id"]
    again = record(api, admin_key, memberId=member["id"], externalId=external, kind="REPLY")
    assert again["duplicate"] is True
    assert again["interaction"]["kind"] == "MESSAGE"  # the first recording stands
    assert again["interaction"]["id"] == first["interaction"]["id"]


def test_unknown_identities_are_refused_or_become_members(api: Api, admin_key: str) -> None:
    handle = unique("stranger")
    identity = {"channel": "GITHUB", "handle": handle}
    refused = record(api, admin_key, identity=identity)
    assert refused["__typename"] == "NotFound" and refused["id"] == f"github:{handle}"
    created = record(api, admin_key, identity=identity, createMemberIfUnknown=True)
    assert created["__typename"] == "InteractionRecorded" and created["memberCreated"] is True
    known = record(api, admin_key, identity=identity)
    assert known["interaction"]["memberId"] == created["interaction"]["memberId"]
    assert known["memberCreated"] is False


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurredAt": "2026-01-01T10:00:00"}, "occurredAt"),
        ({"externalId": ""}, "externalId"),
        ({"url": "ftp://example.org"}, "url"),
        ({"memberId": None}, "identity"),
    ],
)
def test_bad_interactions_are_refused_by_field(
    api: Api, admin_key: str, fields: dict[str, Any], field: str
) -> None:
    member = join(api, admin_key, displayName="Validated")
    result = record(api, admin_key, **{"memberId": member["id"], **fields})
    assert result["__typename"] == "ValidationFailed"
    assert field in {e["field"] for e in result["fieldErrors"]}


def test_a_future_interaction_and_an_erased_member_are_refused(api: Api, admin_key: str) -> None:
    member = join(api, admin_key, displayName="Soon Gone")
    future = (NOW + timedelta(days=2)).isoformat()
    assert record(api, admin_key, memberId=member["id"], occurredAt=future)["__typename"] == (
        "ValidationFailed"
    )
    api.graphql(
        "mutation($id: ID!) { eraseMember(input: {memberId: $id}) { __typename } }",
        {"id": member["id"]},
        key=admin_key,
    )
    erased = record(api, admin_key, memberId=member["id"])
    assert (erased["__typename"], erased["code"]) == ("Conflict", "MEMBER_ERASED")


def test_viewers_may_not_record_and_do_not_see_summaries(
    api: Api, admin_key: str, viewer_key: str
) -> None:
    member = join(api, admin_key, displayName="Private")
    forbidden = record(api, viewer_key, memberId=member["id"])
    assert forbidden["__typename"] == "Forbidden"
    record(api, admin_key, memberId=member["id"], summary="only for managers")
    page = api.graphql(ENGAGEMENT, {"id": member["id"]}, key=viewer_key)["data"]["member"]
    assert [e["node"]["summary"] for e in page["interactions"]["edges"]] == [None]


def test_member_engagement_scores_ranks_and_buckets_by_week(api: Api, admin_key: str) -> None:
    member = join(api, admin_key, displayName="Engaged")
    moments = [NOW - timedelta(days=d) for d in (0, 7, 30)]
    for moment, kind in zip(moments, ("MESSAGE", "PULL_REQUEST", "MESSAGE"), strict=True):
        record(api, admin_key, memberId=member["id"], kind=kind, occurredAt=moment.isoformat())
    body = api.graphql(ENGAGEMENT, {"id": member["id"]}, key=admin_key)
    engagement = body["data"]["member"]["engagement"]
    expected = sum(
        weight * 2 ** (-((NOW - moment).total_seconds() / 86400) / 30)
        for weight, moment in zip((3.0, 10.0, 3.0), moments, strict=True)
    )
    assert engagement["score"] == pytest.approx(expected, rel=1e-3)
    assert engagement["interactions"] == 3 and engagement["rank"] >= 1
    assert 0 < engagement["percentile"] <= 100
    assert sum(w["interactions"] for w in engagement["weeklyActivity"]) == 3
    assert sum(w["weight"] for w in engagement["weeklyActivity"]) == pytest.approx(16.0)
    listed = body["data"]["member"]["interactions"]
    assert [e["node"]["kind"] for e in listed["edges"]] == ["MESSAGE", "PULL_REQUEST"]
    assert listed["pageInfo"]["hasNextPage"] is True


def test_top_members_follow_the_score_and_page_by_cursor(api: Api, admin_key: str) -> None:
    channel = "WEBSITE"  # a channel no other test records on (events record on meetup)
    scores = {}
    for count in (3, 1, 2):
        member = join(api, admin_key, displayName=f"Top {count}")
        for _ in range(count):
            record(api, admin_key, memberId=member["id"], channel=channel, kind="EVENT_ATTENDED")
        scores[member["id"]] = count
    first = api.graphql(TOP, {"first": 2, "channel": channel}, key=admin_key)["data"]["topMembers"]
    rest = api.graphql(
        TOP,
        {"first": 2, "channel": channel, "after": first["pageInfo"]["endCursor"]},
        key=admin_key,
    )["data"]["topMembers"]
    ranked = [e["node"] for e in first["edges"] + rest["edges"]]
    assert [scores[n["member"]["id"]] for n in ranked] == [3, 2, 1]
    assert [n["rank"] for n in ranked] == [1, 2, 3]
    assert ranked[0]["score"] > ranked[1]["score"] > ranked[2]["score"]
    assert first["pageInfo"]["hasNextPage"] is True and rest["pageInfo"]["hasNextPage"] is False


def test_staff_are_recorded_but_not_ranked(api: Api, admin_key: str) -> None:
    member = join(api, admin_key, displayName="Staffer")
    api.graphql(
        "mutation($id: ID!) { markMemberAsStaff(input: {memberId: $id}) { __typename } }",
        {"id": member["id"]},
        key=admin_key,
    )
    recorded = record(api, admin_key, memberId=member["id"], channel="YOUTUBE")
    assert recorded["__typename"] == "InteractionRecorded"
    engagement = api.graphql(ENGAGEMENT, {"id": member["id"]}, key=admin_key)["data"]["member"][
        "engagement"
    ]
    assert engagement["interactions"] == 1 and engagement["rank"] is None
    top = api.graphql(TOP, {"first": 100, "channel": "YOUTUBE"}, key=admin_key)["data"]
    assert member["id"] not in {e["node"]["member"]["id"] for e in top["topMembers"]["edges"]}
