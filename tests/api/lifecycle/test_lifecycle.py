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
RULE = "rhythm-2026-12"
SILENT_FROM = NOW - 35 * DAY  # the quiet member's last interaction
AT_RISK = """
query AtRisk($asOf: DateTime, $tag: String, $first: Int! = 50) {
  atRiskMembers(asOf: $asOf, first: $first, filter: {tag: $tag}) {
    pageInfo { hasNextPage }
    edges { node {
      member { id displayName email } since reason ruleVersion lastInteractionAt channels
      why { ...Evidence }
      entryReason entryWhy { ...Evidence }
    } }
  }
}
fragment Evidence on StageEvidence {
  baselineWeekly recentWeekly daysSilent score lastInteractionAt
  usualGapDays silenceLimitDays activeWeeks stake
}
"""
HISTORY = """
query History($id: ID!) {
  member(id: $id) {
    stageHistory { stage previous effectiveAt until reason why { daysSilent } }
  }
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
    """A member who went quiet 35 days ago and one still active, judged then and now.

    The quiet one was active every other day for 16 weeks: a usual gap of one week between
    active weeks, so a silence limit of 21 days (the floor), crossed 14 days ago.
    """
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
    why = node["why"]
    assert (why["daysSilent"], why["usualGapDays"], why["silenceLimitDays"]) == (35, 7, 21.0)
    assert why["activeWeeks"] >= 6 and why["baselineWeekly"] > 0 and why["stake"] > 0
    assert why["recentWeekly"] == 0 and why["lastInteractionAt"] == node["lastInteractionAt"]
    assert node["reason"].startswith("silent for 35 days") and node["ruleVersion"] == RULE
    assert node["channels"] == ["DISCORD"]
    assert datetime.fromisoformat(node["since"]) == SILENT_FROM + 21 * DAY


def test_as_of_a_past_date_gives_the_evidence_then_beside_the_entry_reason(
    api: Api, admin_key: str, community: dict[str, Any]
) -> None:
    """Issue 12, defect 3: the why of an asOf answer is the facts at asOf, not at entry."""
    then = NOW - 10 * DAY
    body = api.graphql(AT_RISK, {"tag": community["tag"], "asOf": then.isoformat()}, key=admin_key)
    assert "errors" not in body, body
    (edge,) = body["data"]["atRiskMembers"]["edges"]
    node = edge["node"]
    assert node["member"]["id"] == community["fading"]
    assert node["why"]["daysSilent"] == 25 and node["reason"].startswith("silent for 25 days")
    assert node["entryWhy"]["daysSilent"] == 21
    assert node["entryReason"].startswith("silent for 21 days")
    # Nothing after asOf counts: the interaction then and the score are as of that instant.
    assert datetime.fromisoformat(node["why"]["lastInteractionAt"]) == SILENT_FROM
    now = api.graphql(AT_RISK, {"tag": community["tag"]}, key=admin_key)
    (today,) = now["data"]["atRiskMembers"]["edges"]
    assert node["why"]["score"] > today["node"]["why"]["score"]
    assert node["entryWhy"] == today["node"]["entryWhy"]


def test_before_the_silence_crossed_its_limit_nobody_was_at_risk(
    api: Api, admin_key: str, community: dict[str, Any]
) -> None:
    then = (NOW - 15 * DAY).isoformat()
    body = api.graphql(AT_RISK, {"tag": community["tag"], "asOf": then}, key=admin_key)
    assert body["data"]["atRiskMembers"]["edges"] == []
    history = api.graphql(HISTORY, {"id": community["fading"]}, key=admin_key)
    stages = history["data"]["member"]["stageHistory"]
    assert [(s["stage"], s["previous"]) for s in stages[-2:]] == [
        ("ACTIVE", stages[-2]["previous"]),
        ("AT_RISK", "ACTIVE"),
    ]
    assert stages[-2]["until"] == stages[-1]["effectiveAt"] and stages[-1]["until"] is None
    assert datetime.fromisoformat(stages[-1]["effectiveAt"]) == SILENT_FROM + 21 * DAY
    assert stages[-1]["why"]["daysSilent"] == 21


def test_a_draft_rule_is_simulated_against_the_current_one(
    api: Api, admin_key: str, community: dict[str, Any]
) -> None:
    """A draft that asks a year of weekly activity makes the quiet member occasional."""
    body = api.graphql(
        SIMULATE, {"rule": {"version": "strict", "minActiveWeeks": 52}}, key=admin_key
    )
    assert "errors" not in body, body
    simulation = body["data"]["simulateAtRiskRule"]
    assert (simulation["draftVersion"], simulation["currentVersion"]) == ("strict", RULE)
    assert simulation["flaggedByDraft"] == 0 and simulation["flaggedByCurrent"] >= 1
    gone = {m["member"]["id"]: m for m in simulation["noLongerFlagged"]}
    assert gone[community["fading"]]["currentStage"] == "AT_RISK"
    assert gone[community["fading"]]["draftStage"] == "OCCASIONAL"
    assert "fewer than the 52" in gone[community["fading"]]["reason"]
    again = api.graphql(AT_RISK, {"tag": community["tag"]}, key=admin_key)
    assert len(again["data"]["atRiskMembers"]["edges"]) == 1  # nothing was recorded


def test_a_draft_with_the_new_parameters_flags_by_each_members_rhythm(
    api: Api, admin_key: str, community: dict[str, Any]
) -> None:
    """A floor past the quiet member's 35 silent days lets them go; a lower one keeps them."""
    patient = {"version": "patient", "minSilenceDays": 40, "maxSilenceDays": 60}
    body = api.graphql(SIMULATE, {"rule": patient}, key=admin_key)
    assert "errors" not in body, body
    gone = {m["member"]["id"] for m in body["data"]["simulateAtRiskRule"]["noLongerFlagged"]}
    assert community["fading"] in gone
    eager = {"version": "eager", "gapFactor": 3, "gapPercentile": 0.5, "minSilenceDays": 5}
    body = api.graphql(SIMULATE, {"rule": eager}, key=admin_key)
    assert "errors" not in body, body
    simulation = body["data"]["simulateAtRiskRule"]
    assert community["fading"] not in {m["member"]["id"] for m in simulation["noLongerFlagged"]}
    assert community["steady"] not in {m["member"]["id"] for m in simulation["newlyFlagged"]}


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (AT_RISK, {"first": 0}),
        (AT_RISK, {"asOf": "2026-01-01T00:00:00"}),
        (AT_RISK, {"tag": "Not A Tag!"}),
        (SIMULATE, {"rule": {"minSilenceDays": 30, "maxSilenceDays": 20}}),
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
    assert [s["stage"] for s in history["stageHistory"]][-2:] == ["AT_RISK", "RETURNING"]


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
    assert [c["data"]["stage"] for c in changes][-2:] == ["active", "at_risk"]
    at_risk = changes[-1]["data"]
    assert datetime.fromisoformat(at_risk["effective_at"]) <= NOW
    last = at_risk["evidence"]["last_interaction_at"]
    assert datetime.fromisoformat(last) < NOW - 30 * DAY
