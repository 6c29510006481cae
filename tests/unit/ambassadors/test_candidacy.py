"""The candidacy rule: its validation, judge with hysteresis at the 90% boundary, the score."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

import pytest

from domain.ambassadors.candidacy import (
    DEFAULT_THRESHOLDS,
    CandidacyRule,
    Factor,
    InvalidCandidacyRule,
    judge,
)

RULE = CandidacyRule()


def at_thresholds(**changes: float) -> dict[Factor, float]:
    """Every factor exactly at its default threshold, but those changed."""
    return {**DEFAULT_THRESHOLDS, **{Factor(name): value for name, value in changes.items()}}


def test_a_member_meeting_every_threshold_enters_with_the_sum_of_the_weights() -> None:
    verdict = judge(RULE, at_thresholds(), was_candidate=False)
    assert verdict.candidate
    assert verdict.score == pytest.approx(sum(RULE.weights.values()))
    assert all(j.met and j.holds for j in verdict.why)
    assert [j.factor for j in verdict.why] == list(Factor)


def test_one_factor_short_keeps_a_newcomer_out() -> None:
    verdict = judge(RULE, at_thresholds(helpfulness=9), was_candidate=False)
    assert not verdict.candidate
    helpfulness = next(j for j in verdict.why if j.factor is Factor.HELPFULNESS)
    assert not helpfulness.met and helpfulness.holds
    assert helpfulness.floor == pytest.approx(9.0)


def test_a_candidate_at_exactly_ninety_percent_of_a_threshold_stays() -> None:
    # helpfulness threshold 10: the floor is 9.0 exactly
    assert judge(RULE, at_thresholds(helpfulness=9.0), was_candidate=True).candidate


def test_a_candidate_just_under_ninety_percent_of_a_threshold_leaves() -> None:
    just_under = math.nextafter(9.0, 0.0)
    assert not judge(RULE, at_thresholds(helpfulness=just_under), was_candidate=True).candidate
    assert not judge(RULE, at_thresholds(consistency=7.19), was_candidate=True).candidate


def test_every_factor_has_its_own_floor() -> None:
    for factor in Factor:
        floor = RULE.floor(factor)
        stays = judge(RULE, {**DEFAULT_THRESHOLDS, factor: floor}, was_candidate=True)
        leaves = judge(
            RULE, {**DEFAULT_THRESHOLDS, factor: math.nextafter(floor, 0.0)}, was_candidate=True
        )
        assert stays.candidate and not leaves.candidate, factor


def test_a_configured_hysteresis_moves_the_floor() -> None:
    rule = replace(RULE, hysteresis=0.5)
    assert judge(rule, at_thresholds(helpfulness=5), was_candidate=True).candidate
    assert not judge(rule, at_thresholds(helpfulness=4.99), was_candidate=True).candidate
    strict = replace(RULE, hysteresis=1.0)
    assert not judge(strict, at_thresholds(helpfulness=9.99), was_candidate=True).candidate


def test_contributions_are_capped_so_one_huge_factor_cannot_carry_thin_others() -> None:
    verdict = judge(RULE, at_thresholds(engagement=1e6), was_candidate=False)
    engagement = next(j for j in verdict.why if j.factor is Factor.ENGAGEMENT)
    assert engagement.contribution == RULE.weights[Factor.ENGAGEMENT] * RULE.cap
    half = judge(RULE, at_thresholds(engagement=50), was_candidate=False)
    assert next(j for j in half.why if j.factor is Factor.ENGAGEMENT).contribution == 1.0


def test_a_factor_not_required_counts_in_full_when_present_and_never_gates() -> None:
    rule = replace(RULE, thresholds={**DEFAULT_THRESHOLDS, Factor.EVENTS_ATTENDED: 0.0})
    without = judge(rule, at_thresholds(events_attended=0), was_candidate=False)
    with_one = judge(rule, at_thresholds(events_attended=1), was_candidate=False)
    assert without.candidate and with_one.candidate
    assert with_one.score - without.score == rule.weights[Factor.EVENTS_ATTENDED] * rule.cap


def test_missing_factors_count_as_zero() -> None:
    assert not judge(RULE, {}, was_candidate=True).candidate
    assert judge(RULE, {}, was_candidate=False).score == 0.0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"version": ""}, "version"),
        ({"version": "x" * 101}, "version"),
        ({"window": timedelta(0)}, "window_days"),
        ({"window": timedelta(days=3651)}, "window_days"),
        ({"window": timedelta(days=1, hours=1)}, "window_days"),
        ({"hysteresis": 0.0}, "hysteresis"),
        ({"hysteresis": 1.01}, "hysteresis"),
        ({"hysteresis": math.nan}, "hysteresis"),
        ({"cap": 0.5}, "cap"),
        ({"cap": math.inf}, "cap"),
        ({"thresholds": {**DEFAULT_THRESHOLDS, Factor.BREADTH: -1.0}}, "thresholds.breadth"),
        (
            {"thresholds": {**DEFAULT_THRESHOLDS, Factor.CONSISTENCY: 27.0}},
            "thresholds.consistency",
        ),
        ({"weights": {**RULE.weights, Factor.ENGAGEMENT: math.nan}}, "weights.engagement"),
        ({"weights": {**RULE.weights, Factor.ENGAGEMENT: 1001.0}}, "weights.engagement"),
        ({"weights": {Factor.ENGAGEMENT: 1.0}}, "weights.tenure_days"),
        ({"weights": {**RULE.weights, "likes": 1.0}}, "weights.likes"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused_naming_the_parameter(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidCandidacyRule) as refused:
        replace(RULE, **changes)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_the_rule_records_its_parameters_as_plain_json() -> None:
    recorded = RULE.as_dict()
    assert recorded["window_days"] == 180 and recorded["hysteresis"] == 0.9
    assert set(recorded["thresholds"]) == {str(f) for f in Factor}  # type: ignore[arg-type]
