"""communityHealth and cohortRetention over real HTTP: numbers, changes and refused input."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.domain import CanCreateTimestamp

from tests.api.conftest import Api, join, settle, unique
from tests.api.members.test_merge_api import MERGE

RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { __typename }
}
"""
HEALTH = """
query Health($from: Date!, $to: Date!, $granularity: HealthGranularity!, $channel: Channel,
    $asOf: Date) {
  communityHealth(from: $from, to: $to, granularity: $granularity, channel: $channel,
      asOf: $asOf) {
    start end ruleVersion
    new { value change relative }
    active { value change relative }
    interactions { value change relative }
    returning { value } newlyInactive { value } left { value } total { value }
    oneOff { value } repeat { value } absenceFactor { value }
    activeByStage { stage active { value change } }
    firstResponseMedianSeconds firstResponseP90Seconds
  }
}
"""
COHORTS = """
query Cohorts($from: Date!, $to: Date!) {
  cohortRetention(from: $from, to: $to, granularity: WEEK) {
    start size retained { period active share }
  }
}
"""
# A span of 1997 no other test records in.
SPAN = {"from": "1997-03-03", "to": "1997-03-17", "granularity": "WEEK"}


def record(api: Api, key: str, member_id: str, occurred_at: str) -> None:
    values = {
        "memberId": member_id,
        "channel": "DISCORD",
        "kind": "MESSAGE",
        "occurredAt": occurred_at,
        "externalId": unique("health-"),
    }
    body = api.graphql(RECORD, {"input": values}, key=key)
    assert body["data"]["recordInteraction"]["__typename"] == "InteractionRecorded", body


def health(api: Api, key: str, **variables: Any) -> list[dict[str, Any]]:
    body = api.graphql(HEALTH, {**SPAN, **variables}, key=key)
    assert "errors" not in body, body
    found: list[dict[str, Any]] = body["data"]["communityHealth"]
    return found


def test_community_health_over_http(api: Api, admin_key: str, viewer_key: str) -> None:
    member = join(api, admin_key)["id"]
    record(api, admin_key, member, "1997-03-03T10:00:00+00:00")
    record(api, admin_key, member, "1997-03-12T10:00:00+00:00")
    deadline = time.monotonic() + 10
    while (found := health(api, viewer_key))[1]["active"]["value"] == 0:
        assert time.monotonic() < deadline, found
        time.sleep(0.1)
    # The viewer reads the aggregates: they name no one.
    assert [(p["start"], p["end"]) for p in found] == [
        ("1997-03-03", "1997-03-10"),
        ("1997-03-10", "1997-03-17"),
    ]
    assert found[0]["ruleVersion"] == "health-2026-12"
    assert [p["new"] for p in found] == [
        {"value": 1, "change": 1, "relative": None},
        {"value": 0, "change": -1, "relative": -1.0},
    ]
    assert [p["active"]["value"] for p in found] == [1, 1]
    assert found[1]["active"] == {"value": 1, "change": 0, "relative": 0.0}
    assert [p["oneOff"]["value"] for p in found] == [1, 1]
    assert found[0]["firstResponseMedianSeconds"] is None
    # One level (never evaluated, or whatever stage the lifecycle gave the member).
    assert [s["active"] for s in found[1]["activeByStage"]] == [{"value": 1, "change": 0}]
    assert health(api, viewer_key, channel="GITHUB")[0]["active"]["value"] == 0
    cohorts = api.graphql(COHORTS, {"from": SPAN["from"], "to": SPAN["to"]}, key=viewer_key)
    assert cohorts["data"]["cohortRetention"] == [
        {
            "start": "1997-03-03",
            "size": 1,
            "retained": [
                {"period": "1997-03-03", "active": 1, "share": 1.0},
                {"period": "1997-03-10", "active": 1, "share": 1.0},
            ],
        }
    ]


def test_bad_input_is_a_typed_error_naming_the_argument(api: Api, viewer_key: str) -> None:
    for variables, field in (
        ({"to": "1997-02-01"}, "to"),  # before from
        ({"from": "1900-01-01", "to": "1990-01-01"}, "to"),  # more than 520 weeks
        ({"asOf": "2999-01-01"}, "asOf"),
    ):
        body = api.graphql(HEALTH, {**SPAN, **variables}, key=viewer_key)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", body
        assert error["extensions"]["field"] == field, body
    unknown = api.graphql(HEALTH, {**SPAN, "channel": "MYSPACE"}, key=viewer_key)
    assert "Channel" in unknown["errors"][0]["message"]  # refused by the schema itself


def test_a_merged_person_counts_once_and_an_earlier_as_of_keeps_the_old_answer(
    api: Api, admin_key: str, viewer_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    span = {"from": "1996-03-04", "to": "1996-03-18", "granularity": "WEEK"}
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    recorded = datetime(yesterday.year, yesterday.month, yesterday.day, 10, tzinfo=UTC)
    with monkeypatch.context() as then:  # the two members' histories, recorded yesterday
        then.setattr(CanCreateTimestamp, "create_timestamp", staticmethod(lambda: recorded))
        source, target = join(api, admin_key)["id"], join(api, admin_key)["id"]
        record(api, admin_key, source, "1996-03-04T10:00:00+00:00")
        record(api, admin_key, target, "1996-03-05T10:00:00+00:00")
        record(api, admin_key, target, "1996-03-12T10:00:00+00:00")
    merged = api.graphql(MERGE, {"input": {"sourceId": source, "targetId": target}}, key=admin_key)
    assert merged["data"]["mergeMembers"]["__typename"] == "MembersMerged", merged
    settle(api)

    def new_and_active(**variables: Any) -> list[tuple[int, int]]:
        found = health(api, viewer_key, **span, **variables)
        return [(p["new"]["value"], p["active"]["value"]) for p in found]

    assert new_and_active() == [(1, 1), (0, 1)]
    assert new_and_active(asOf=yesterday.isoformat()) == [(2, 2), (0, 1)]
