"""Backtests over real HTTP: a rule's scores on the community's history, and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.interactions.commands import RecordInteraction
from tests.api.conftest import Api, join, unique

NOW = datetime.now(UTC)
DAY = timedelta(days=1)
SCORE = """
name description flagged truePositives precision recall f1 precisionAt10 precisionAt25
medianLeadWeeks stops stopsCaught
"""
BACKTEST = f"""
query Backtest($from: DateTime!, $to: DateTime!, $every: Int! = 7, $horizon: Int! = 26,
               $rule: StageRuleInput) {{
  backtestAtRiskRule(rule: $rule, from: $from, to: $to, everyDays: $every,
                     horizonWeeks: $horizon) {{
    from to everyDays horizonWeeks datesScored membersRead judged stopped
    rule {{ {SCORE} }}
    references {{ {SCORE} }}
  }}
}}
"""
SIMULATE = """
query Simulate($rule: StageRuleInput!, $backtest: BacktestInput) {
  simulateAtRiskRule(rule: $rule, first: 5, backtest: $backtest) {
    draftVersion
    backtest { datesScored rule { name stops stopsCaught } references { name } }
  }
}
"""
FROM, TO = NOW - 320 * DAY, NOW - 190 * DAY
REFERENCES = [
    "silent 28 days",
    "silent 28 days, longest first",
    "Orbit-style drift",
    "crowd.dev-style slipping",
]


@pytest.fixture(scope="module")
def history(api: Api, admin_key: str) -> None:
    """A member active every other day who went quiet 250 days ago, and one still active."""
    for name, days in (("stopper", range(250, 700, 2)), ("steady", range(0, 700, 3))):
        member = join(
            api, admin_key, displayName=unique(name), joinedAt=(NOW - 800 * DAY).isoformat()
        )
        report = api.services.community.record_interactions(
            [
                RecordInteraction(
                    member_id=member["id"],
                    channel="github",
                    kind="pull_request",
                    occurred_at=NOW - d * DAY,
                    external_id=unique(f"{name}-{d}-"),
                )
                for d in days
            ],
            create_unknown_members=False,
        )
        assert api.services.wait_for("engagement", report.position)


def variables(**given: Any) -> dict[str, Any]:
    return {"from": FROM.isoformat(), "to": TO.isoformat(), **given}


def test_a_backtest_scores_the_current_rule_beside_the_references(
    api: Api, admin_key: str, history: None
) -> None:
    body = api.graphql(BACKTEST, variables(), key=admin_key)
    assert "errors" not in body, body
    report = body["data"]["backtestAtRiskRule"]
    assert (report["everyDays"], report["horizonWeeks"], report["datesScored"]) == (7, 26, 19)
    assert report["membersRead"] >= 2 and report["stopped"] >= 1
    assert report["rule"]["name"] == api.services.stage_rule.version
    assert [score["name"] for score in report["references"]] == REFERENCES
    for score in (report["rule"], report["references"][0]):
        # The stopper went quiet after years every other day: both rules catch them.
        assert score["stopsCaught"] >= 1 and score["truePositives"] >= 1, score
        assert 0 < score["precision"] <= 1 and score["medianLeadWeeks"] <= 0


def test_a_draft_rule_is_backtested_under_its_own_name(
    api: Api, admin_key: str, history: None
) -> None:
    body = api.graphql(BACKTEST, variables(rule={"version": "draft-x"}), key=admin_key)
    assert body["data"]["backtestAtRiskRule"]["rule"]["name"] == "draft-x", body


def test_a_simulation_shows_the_drafts_backtest_beside_it(
    api: Api, admin_key: str, history: None
) -> None:
    given = {"from": FROM.isoformat(), "to": TO.isoformat(), "everyDays": 14}
    body = api.graphql(SIMULATE, {"rule": {"version": "d"}, "backtest": given}, key=admin_key)
    assert "errors" not in body, body
    tested = body["data"]["simulateAtRiskRule"]["backtest"]
    assert tested["datesScored"] == 10 and tested["rule"]["name"] == "d"
    assert [r["name"] for r in tested["references"]] == REFERENCES
    plain = api.graphql(SIMULATE, {"rule": {"version": "d"}}, key=admin_key)
    assert plain["data"]["simulateAtRiskRule"]["backtest"] is None, plain


@pytest.mark.parametrize(
    ("given", "field", "reason"),
    [
        ({"from": "2025-01-01T00:00:00"}, "from", "out_of_range"),
        ({"from": "1980-01-01T00:00:00Z"}, "from", "moment_too_early"),
        ({"to": FROM.isoformat()}, "to", "out_of_range"),
        ({"to": (NOW - 100 * DAY).isoformat()}, "to", "outcome_not_known"),
        ({"every": 0}, "everyDays", "out_of_range"),
        ({"every": 366}, "everyDays", "out_of_range"),
        ({"every": 2**31 - 1}, "everyDays", "out_of_range"),
        ({"every": 1, "from": (NOW - 800 * DAY).isoformat()}, "everyDays", "too_many_dates"),
        ({"horizon": 0}, "horizonWeeks", "out_of_range"),
        ({"horizon": 105}, "horizonWeeks", "out_of_range"),
        ({"rule": {"version": ""}}, "rule.version", "out_of_range"),
    ],
)
def test_bad_arguments_name_the_field_and_why(
    api: Api, admin_key: str, given: dict[str, Any], field: str, reason: str
) -> None:
    body = api.graphql(BACKTEST, variables(**given), key=admin_key)
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field, "reason": reason}
    assert error["message"].startswith(f"{field}: ")


def test_a_simulations_bad_backtest_names_the_field_inside_it(api: Api, admin_key: str) -> None:
    given = {"from": FROM.isoformat(), "to": TO.isoformat(), "horizonWeeks": 200}
    body = api.graphql(SIMULATE, {"rule": {}, "backtest": given}, key=admin_key)
    assert body["errors"][0]["extensions"]["field"] == "backtest.horizonWeeks", body
