"""At-risk members over real HTTP: who, why, as of any date, and draft rules simulated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from tests.api.conftest import Api, join, unique

NOW = datetime.now(UTC)
DAY = timedelta(days=1)
AT_RISK = """
query AtRisk($asOf: DateTime, $tag: String, $first: Int! = 50) {
  atRiskMembers(asOf: $asOf, first: $first, filter: {tag: $tag}) {
    pageInfo { hasNextPage }
    edges { node {
      member { id displayName email } since reason ruleVersion lastInteractionAt channels
      why { baselineWeekly recentWeekly daysSilent score lastInteractionAt }
    } }
  }
}
"""
HISTORY = """
query History($id: ID!) {
  member(id: $id) { stageHistory { stage previous effectiveAt until reason why { daysSilent } } }
}
"""
SIMULATE = """
query Simulate($rule: StageRuleInput!) {
  simulateAtRiskRule(rule: $rule, first: 100) {
    draftVersion currentVersion membersJudged flaggedByDraft flaggedByCurrent
    newlyFlagged { member { id } draftStage currentStage }
    noLongerFlagged { member { id } draftStage currentStage reason }
  }
}
"""


@pytest.fixture(scope="module")
def community(api: Api, admin_key: str) -> dict[str, Any]:
    """A member who went quiet 35 days ago and one still active, judged then and now."""
    tag = unique("cohort-")
    people = {}
    for name, days in (("fading", range(35, 150, 2)), ("steady", range(0, 150, 3))):
        member = join(
            api, admin_key, displayName=unique(name), joinedAt=(NOW - 200 * DAY).isoformat()
        )
        api.services.community.tag_member(cmd.TagMember(member_id=member["id"], tag=tag))
        report = api.services.community.record_interactions(
            [
                RecordInteraction(
                    member_id=member["id"],
                    channel="discord",
                    kind="message",
                    occurred_at=NOW - d * DAY,
                    external_id=unique(f"{name}-{d}-"),
                )
                for d in days
            ],
            create_unknown_members=False,
        )
        people[name] = member["id"]
        assert api.services.wait_for("engagement", report.position)
    for moment in (NOW - 40 * DAY, NOW):
        api.services.use_cases.evaluation.evaluate(moment)
        head = api.services.community.recorder.max_notification_id()
        assert api.services.wait_for("lifecycle", head)
    return {"tag": tag, **people}


def test_at_risk_members_come_with_why(api: Api, admin_key: str, community: dict[str, Any]) -> None:
    body = api.graphql(AT_RISK, {"tag": community["tag"]}, key=admin_key)
    assert "errors" not in body, body
    (edge,) = body["data"]["atRiskMembers"]["edges"]
    node = edge["node"]
    assert node["member"]["id"] == community["fading"]
    assert node["why"]["daysSilent"] >= 35 and node["why"]["baselineWeekly"] > 0
    assert "silent" in node["reason"] and node["ruleVersion"] == "stages-2026-11"
    assert node["channels"] == ["DISCORD"]
    assert node["lastInteractionAt"] is not None


def test_as_of_a_past_date_answers_who_was_at_risk_then(
    api: Api, admin_key: str, community: dict[str, Any]
) -> None:
    then = (NOW - 20 * DAY).isoformat()
    body = api.graphql(AT_RISK, {"tag": community["tag"], "asOf": then}, key=admin_key)
    assert body["data"]["atRiskMembers"]["edges"] == []
    history = api.graphql(HISTORY, {"id": community["fading"]}, key=admin_key)
    stages = history["data"]["member"]["stageHistory"]
    assert [(s["stage"], s["previous"]) for s in stages] == [
        ("ACTIVE", None),
        ("AT_RISK", "ACTIVE"),
    ]
    assert stages[0]["until"] == stages[1]["effectiveAt"] and stages[1]["until"] is None


def test_a_draft_rule_is_simulated_against_the_current_one(
    api: Api, admin_key: str, community: dict[str, Any]
) -> None:
    body = api.graphql(
        SIMULATE, {"rule": {"version": "strict", "minBaselineWeight": 10000}}, key=admin_key
    )
    assert "errors" not in body, body
    simulation = body["data"]["simulateAtRiskRule"]
    assert (simulation["draftVersion"], simulation["currentVersion"]) == (
        "strict",
        "stages-2026-11",
    )
    assert simulation["flaggedByDraft"] == 0 and simulation["flaggedByCurrent"] >= 1
    gone = {m["member"]["id"]: m for m in simulation["noLongerFlagged"]}
    assert gone[community["fading"]]["currentStage"] == "AT_RISK"
    assert gone[community["fading"]]["draftStage"] != "AT_RISK"
    again = api.graphql(AT_RISK, {"tag": community["tag"]}, key=admin_key)
    assert len(again["data"]["atRiskMembers"]["edges"]) == 1  # nothing was recorded


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (AT_RISK, {"first": 0}),
        (AT_RISK, {"asOf": "2026-01-01T00:00:00"}),
        (AT_RISK, {"tag": "Not A Tag!"}),
        (SIMULATE, {"rule": {"dropFraction": 0.8, "recoverFraction": 0.5}}),
    ],
)
def test_bad_arguments_are_bad_user_input(
    api: Api, admin_key: str, query: str, variables: dict[str, Any]
) -> None:
    body = api.graphql(query, variables, key=admin_key)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body


def test_viewers_see_at_risk_members_without_personal_data(
    api: Api, viewer_key: str, community: dict[str, Any]
) -> None:
    body = api.graphql(AT_RISK, {"tag": community["tag"]}, key=viewer_key)
    (edge,) = body["data"]["atRiskMembers"]["edges"]
    assert edge["node"]["member"]["email"] is None


def test_record_interaction_brings_a_quiet_member_back(api: Api, admin_key: str) -> None:
    member = join(
        api, admin_key, displayName=unique("comeback"), joinedAt=(NOW - 200 * DAY).isoformat()
    )
    report = api.services.community.record_interactions(
        [
            RecordInteraction(
                member_id=member["id"],
                channel="slack",
                kind="message",
                occurred_at=NOW - d * DAY,
                external_id=unique(f"cb-{d}-"),
            )
            for d in range(35, 150, 2)
        ],
        create_unknown_members=False,
    )
    assert api.services.wait_for("engagement", report.position)
    api.services.use_cases.evaluation.evaluate(NOW)
    assert api.services.wait_for("lifecycle", api.services.community.recorder.max_notification_id())
    body = api.graphql(
        """mutation($id: ID!, $ext: String!, $at: DateTime!) {
          recordInteraction(input: {memberId: $id, channel: SLACK, kind: POST,
                                    occurredAt: $at, externalId: $ext}) { __typename }
        }""",
        {"id": member["id"], "ext": unique("back-"), "at": datetime.now(UTC).isoformat()},
        key=admin_key,
    )
    assert body["data"]["recordInteraction"]["__typename"] == "InteractionRecorded"
    assert api.services.wait_for("lifecycle", api.services.community.recorder.max_notification_id())
    history = api.graphql(HISTORY, {"id": member["id"]}, key=admin_key)["data"]["member"]
    assert [s["stage"] for s in history["stageHistory"]] == ["AT_RISK", "RETURNING"]


MEMBER_PAGE = """
query Page($id: ID!) { member(id: $id) { id history { version type recordedAt data } } }
"""


def test_the_history_of_a_member_with_a_stage_is_plain_json(
    api: Api, admin_key: str, community: dict[str, Any]
) -> None:
    """A stage change carries evidence with times in it; the audit trail must still render."""
    response = api.client.post(
        f"{api.url}/graphql",
        json={"query": MEMBER_PAGE, "variables": {"id": community["fading"]}},
        headers={"Authorization": f"Bearer {admin_key}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    changes = [e for e in body["data"]["member"]["history"] if e["type"] == "STAGE_CHANGED"]
    assert [c["data"]["stage"] for c in changes] == ["active", "at_risk"]
    at_risk = changes[-1]["data"]
    assert datetime.fromisoformat(at_risk["effective_at"]) <= NOW
    last = at_risk["evidence"]["last_interaction_at"]
    assert datetime.fromisoformat(last) < NOW - 30 * DAY
