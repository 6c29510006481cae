"""Candidates over HTTP: the ranked list with why, asOf, drafts, and who may see them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from api.auth import Role
from tests.api.conftest import Api, served_api
from tests.api.consent.helpers import give_consent, registered
from tests.integration.ambassadors.world import DAY, RULE, STAR_REPLIES, T, interact, member

pytestmark = pytest.mark.integration

CANDIDATES = """
query Candidates($first: Int!, $after: String, $asOf: DateTime,
                 $filter: AmbassadorCandidateFilter) {
  ambassadorCandidates(first: $first, after: $after, asOf: $asOf, filter: $filter) {
    evaluatedAt ruleVersion membersExamined
    edges { node {
      member { id displayName }
      score candidateSince ruleVersion evaluatedAt marketingConsent channels
      why { factor value threshold floor met contribution }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
SIMULATE = """
query Simulate($rule: CandidacyRuleInput!, $asOf: DateTime) {
  simulateCandidacyRule(rule: $rule, asOf: $asOf, first: 10) {
    asOf rememberedRun draftVersion currentVersion membersExamined
    candidatesByDraft candidatesByCurrent
    draftCandidates { member { displayName } draftScore currentScore draftCandidate }
    newlyIn { member { displayName } currentCandidate why { factor value met } }
    noLongerIn { member { displayName } draftCandidate }
  }
}
"""


@dataclass
class World:
    """The served API, a manager's key, and the members by name."""

    api: Api
    manager: str
    ids: dict[str, UUID]

    def ask(self, document: str, key: str | None = None, **variables: Any) -> dict[str, Any]:
        """The answer's data, asserting no errors."""
        body = self.api.graphql(document, variables, key=key or self.manager)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    def names(self, edges: list[dict[str, Any]]) -> list[str]:
        """The display names of a page's candidates, in order."""
        return [edge["node"]["member"]["displayName"] for edge in edges]


@pytest.fixture(scope="module")
def world(server_url: str, template_database: str) -> Iterator[World]:
    """Candidates evaluated at T and a day later under a test rule (RULE's numbers)."""
    with served_api(
        server_url,
        template_database,
        candidacy_rule_version="api-test",
        candidacy_window_days=30,
        candidacy_thresholds={str(f): v for f, v in RULE.thresholds.items()},
        candidacy_evaluation_seconds=0,
    ) as api:
        runtime = api.services.runtime
        ids = {
            "star": member(runtime, "star", [*STAR_REPLIES, *range(10, 20)]),  # 20 replies
            "steady": member(runtime, "steady", STAR_REPLIES),  # 10, then 9: stays
            "slipper": member(runtime, "slipper", [29.5, 29.6, *range(1, 9)]),  # 10, then 8
            "newcomer": member(runtime, "newcomer", list(range(1, 10))),  # 9: never in
        }
        interact(runtime, ids["steady"], "message", "slack", [1])
        head = runtime.community.recorder.max_notification_id()
        for projection in ("members", "engagement"):
            assert api.services.wait_for(projection, head)
        admin = api.key(Role.ADMIN)
        version, _ = registered(api, admin)
        give_consent(api, admin, str(ids["star"]), version, at=(T - DAY).isoformat())
        job = api.services.use_cases.candidacy
        job.evaluate(T)
        job.evaluate(T + DAY)
        yield World(api, api.key(Role.MANAGER), ids)


def test_the_manager_sees_candidates_ranked_with_why(world: World) -> None:
    first = world.ask(CANDIDATES, first=1)["ambassadorCandidates"]
    assert world.names(first["edges"]) == ["star"]
    assert first["ruleVersion"] == "api-test" and first["membersExamined"] == 4
    node = first["edges"][0]["node"]
    assert node["marketingConsent"] is True and node["channels"] == ["DISCORD"]
    assert datetime.fromisoformat(node["candidateSince"]) == T
    why = {factor["factor"]: factor for factor in node["why"]}
    assert list(why) == [
        "ENGAGEMENT",
        "TENURE_DAYS",
        "BREADTH",
        "HELPFULNESS",
        "PRAISE_AND_FEEDBACK",
        "EVENTS_ATTENDED",
        "CONSISTENCY",
    ]
    assert why["HELPFULNESS"] == {
        "factor": "HELPFULNESS",
        "value": 19.0,  # one reply 29.5 days before T is out of the window by now
        "threshold": 10.0,
        "floor": 9.0,
        "met": True,
        "contribution": pytest.approx(3 * 19 / 10),  # weight x value / threshold
    }
    assert node["score"] == pytest.approx(sum(f["contribution"] for f in node["why"]))
    rest = world.ask(CANDIDATES, first=5, after=first["pageInfo"]["endCursor"])
    edges = rest["ambassadorCandidates"]["edges"]
    assert world.names(edges) == ["steady"]  # the slipper fell below 90%, the newcomer never in
    assert edges[0]["node"]["marketingConsent"] is False
    assert not rest["ambassadorCandidates"]["pageInfo"]["hasNextPage"]


def test_the_list_filters_by_channel_and_minimum_score(world: World) -> None:
    on_slack = world.ask(CANDIDATES, first=5, filter={"channel": "SLACK"})
    assert world.names(on_slack["ambassadorCandidates"]["edges"]) == ["steady"]
    best = world.ask(CANDIDATES, first=5, filter={"minScore": 15.0})
    assert world.names(best["ambassadorCandidates"]["edges"]) == ["star"]


def test_as_of_reads_the_evaluation_in_force_then(world: World) -> None:
    then = world.ask(CANDIDATES, first=5, asOf=(T + DAY / 2).isoformat())
    listed = then["ambassadorCandidates"]
    assert datetime.fromisoformat(listed["evaluatedAt"]) == T
    assert sorted(world.names(listed["edges"])) == ["slipper", "star", "steady"]
    before = world.ask(CANDIDATES, first=5, asOf=(T - DAY).isoformat())["ambassadorCandidates"]
    assert before["evaluatedAt"] is None and before["edges"] == []


def test_a_draft_rule_is_simulated_against_the_current_one_recording_nothing(
    world: World,
) -> None:
    draft = {"version": "kinder", "factors": [{"factor": "HELPFULNESS", "threshold": 9}]}
    at = (T + DAY + timedelta(hours=1)).isoformat()
    result = world.ask(SIMULATE, rule=draft, asOf=at)["simulateCandidacyRule"]
    assert datetime.fromisoformat(result["rememberedRun"]) == T + DAY
    assert (result["draftVersion"], result["currentVersion"]) == ("kinder", "api-test")
    assert (result["candidatesByDraft"], result["candidatesByCurrent"]) == (3, 2)
    assert [c["member"]["displayName"] for c in result["newlyIn"]] == ["newcomer"]
    assert result["newlyIn"][0]["currentCandidate"] is False
    assert result["noLongerIn"] == []
    stricter = {"factors": [{"factor": "HELPFULNESS", "threshold": 15}]}
    result = world.ask(SIMULATE, rule=stricter, asOf=at)["simulateCandidacyRule"]
    assert [c["member"]["displayName"] for c in result["noLongerIn"]] == ["steady"]
    runs = world.api.services.runtime.pool
    with runs.connection() as conn:
        assert conn.execute("SELECT count(*) FROM ambassador_candidacy_runs").fetchone() == (2,)


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"hysteresis": 1.5}, "rule.hysteresis"),
        ({"windowDays": 10**9}, "rule.windowDays"),
        ({"version": ""}, "rule.version"),
        (
            {"factors": [{"factor": "CONSISTENCY", "threshold": 27}]},
            "rule.factors.consistency.threshold",
        ),
        (
            {"factors": [{"factor": "BREADTH"}, {"factor": "BREADTH"}]},
            "rule.factors.1.factor",
        ),
    ],
)
def test_a_draft_that_makes_no_sense_is_refused_naming_the_field(
    world: World, rule: dict[str, Any], field: str
) -> None:
    body = world.api.graphql(SIMULATE, {"rule": rule}, key=world.manager)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field


def test_the_configured_rule_is_readable(world: World) -> None:
    rule = world.ask("{ candidacyRule { version windowDays hysteresis factors { factor } } }")
    assert rule["candidacyRule"]["version"] == "api-test"
    assert rule["candidacyRule"]["windowDays"] == 30
    assert len(rule["candidacyRule"]["factors"]) == 7


@pytest.mark.parametrize("role", [Role.MARKETING, Role.VIEWER, Role.PRODUCT])
def test_only_admins_and_managers_see_candidates_or_simulate(world: World, role: Role) -> None:
    key = world.api.key(role)
    for document, variables in ((CANDIDATES, {"first": 5}), (SIMULATE, {"rule": {}})):
        body = world.api.graphql(document, variables, key=key)
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN", body
        assert body["data"] is None
    admin = world.api.key(Role.ADMIN)
    assert world.ask(CANDIDATES, admin, first=1)["ambassadorCandidates"]["edges"]
