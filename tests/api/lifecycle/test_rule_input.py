"""A draft stage rule over real HTTP: the rhythm rule's parameters, each refused by name."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta
from typing import Any

import pytest

from api.graphql.lifecycle.types import RULE_SPANS, StageRuleInput
from domain.lifecycle import StageRule
from tests.api.conftest import Api

SIMULATE = """
query Simulate($rule: StageRuleInput!) {
  simulateAtRiskRule(rule: $rule, first: 5) { draftVersion membersJudged flaggedByDraft }
}
"""


def bad_input(body: dict[str, Any]) -> dict[str, Any]:
    """The one top-level error of a refused query, which must be BAD_USER_INPUT."""
    assert body["data"] is None or not any(body["data"].values()), body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return error


@pytest.mark.parametrize(
    ("rule", "field", "why"),
    [
        ({"version": ""}, "rule.version", "must be 1 to 100 characters"),
        ({"newForDays": 0}, "rule.newForDays", "must be between 1 and 3650 days, not 0"),
        ({"newForDays": 2147483647}, "rule.newForDays", "must be between 1 and 3650 days"),
        ({"baselineWindowDays": 3651}, "rule.baselineWindowDays", "must be between 1 and 3650"),
        ({"recentWindowDays": -5}, "rule.recentWindowDays", "must be between 1 and 3650"),
        ({"minActiveWeeks": 0}, "rule.minActiveWeeks", "must be between 1 and 52"),
        ({"minActiveWeeks": 53}, "rule.minActiveWeeks", "must be between 1 and 52"),
        ({"gapPercentile": 0}, "rule.gapPercentile", "must be more than 0 and at most 1"),
        ({"gapPercentile": 1.01}, "rule.gapPercentile", "must be more than 0 and at most 1"),
        ({"gapFactor": -1}, "rule.gapFactor", "must be more than 0 and at most 100"),
        ({"gapFactor": 1e300}, "rule.gapFactor", "must be more than 0 and at most 100"),
        ({"minSilenceDays": 0}, "rule.minSilenceDays", "must be between 1 and 3650"),
        ({"maxSilenceDays": 3651}, "rule.maxSilenceDays", "must be between 1 and 3650"),
        ({"silentInactiveDays": 3651}, "rule.silentInactiveDays", "must be between 1 and 3650"),
        ({"returningGraceDays": 0}, "rule.returningGraceDays", "must be between 1 and 3650"),
        # Ranges that depend on each other: the domain's check, named as the input names it.
        (
            {"minSilenceDays": 30, "maxSilenceDays": 20},
            "rule.minSilenceDays",
            "must not exceed the max silence",
        ),
        ({"maxSilenceDays": 90}, "rule.maxSilenceDays", "shorter than the silence that makes"),
        ({"silentInactiveDays": 45}, "rule.maxSilenceDays", "shorter than the silence that makes"),
    ],
)
def test_each_parameter_out_of_range_is_refused_naming_it(
    api: Api, admin_key: str, rule: dict[str, Any], field: str, why: str
) -> None:
    error = bad_input(api.graphql(SIMULATE, {"rule": rule}, key=admin_key))
    assert error["extensions"]["field"] == field
    assert error["message"].startswith(f"{field}: ")
    assert why in error["message"]


@pytest.mark.parametrize(
    "rule",
    [
        {
            "newForDays": 1,
            "baselineWindowDays": 3650,
            "recentWindowDays": 1,
            "minActiveWeeks": 52,
            "gapPercentile": 1,
            "gapFactor": 100,
            "minSilenceDays": 1,
            "maxSilenceDays": 1,
            "silentInactiveDays": 2,
            "returningGraceDays": 3650,
        },
        {
            "newForDays": 3650,
            "baselineWindowDays": 1,
            "recentWindowDays": 3650,
            "minActiveWeeks": 1,
            "gapPercentile": 1e-9,
            "gapFactor": 1e-9,
            "minSilenceDays": 3649,
            "maxSilenceDays": 3649,
            "silentInactiveDays": 3650,
            "returningGraceDays": 1,
        },
    ],
)
def test_the_edges_of_each_range_are_accepted(
    api: Api, admin_key: str, rule: dict[str, Any]
) -> None:
    body = api.graphql(SIMULATE, {"rule": {"version": "edges", **rule}}, key=admin_key)
    assert "errors" not in body, body
    assert body["data"]["simulateAtRiskRule"]["draftVersion"] == "edges"


def test_the_old_rules_parameters_are_gone_and_named_as_such(api: Api, admin_key: str) -> None:
    """minBaselineWeight, dropFraction... meant nothing to the rhythm rule: no silent ignoring."""
    body = api.graphql(SIMULATE, {"rule": {"dropFraction": 0.3}}, key=admin_key)
    (error,) = body["errors"]
    assert "dropFraction" in error["message"] and body["data"] is None


def test_every_parameter_of_the_domain_rule_can_be_drafted() -> None:
    """A parameter added to StageRule without an input field would silently keep its value."""
    inputs = {field.name for field in fields(StageRuleInput)}
    spans = {
        f.name for f in fields(StageRule) if isinstance(getattr(StageRule(), f.name), timedelta)
    }
    assert spans == set(RULE_SPANS)
    for field in fields(StageRule):
        name = f"{field.name}_days" if field.name in spans else field.name
        assert name in inputs, f"StageRuleInput has no {name}"
