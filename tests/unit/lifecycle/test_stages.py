"""The rhythm rule: each member judged against their own usual gaps, at exact instants."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.lifecycle import History, Stage, StageRule
from domain.lifecycle.history import to_us
from domain.lifecycle.rule import InvalidRule, rule_days
from domain.lifecycle.stages import changes, judge, stage_at, verdict
from tests.unit.lifecycle.fakes import SHORT_RULE

RULE = StageRule()
JOINED = datetime(2024, 1, 1, 9, tzinfo=UTC)  # a Monday
DAY = timedelta(days=1)


def every(days: float, count: int, *, start: datetime = JOINED, weight: float = 3.0) -> list:
    return [(start + k * days * DAY, weight) for k in range(count)]


def history(interactions: list, joined_at: datetime = JOINED) -> History:
    return History.of(UUID(int=1), joined_at, interactions)


STEADY = history(every(3.5, 100))  # twice a week for most of a year
LAST = JOINED + 99 * 3.5 * DAY


def test_a_member_at_their_usual_rhythm_is_active() -> None:
    assert judge(RULE, STEADY, LAST + 3 * DAY).stage is Stage.ACTIVE


def test_silence_past_their_own_limit_is_at_risk_with_the_evidence_as_of_then() -> None:
    found = judge(RULE, STEADY, LAST + 25 * DAY)
    assert found.stage is Stage.AT_RISK
    # Active every week: gaps of one week, times 1.5 is 10.5 days, raised to the floor.
    assert (found.evidence.usual_gap_days, found.evidence.silence_limit_days) == (7, 21.0)
    assert found.evidence.days_silent == 25
    assert "silent for 25 days" in found.reason
    # Days silent, plus two per doubling of their usual weekly activity.
    weekly = found.evidence.baseline_weekly
    assert found.evidence.stake == pytest.approx(25 + 2 * math.log2(1 + weekly))


def test_the_limit_is_crossed_at_an_exact_instant() -> None:
    limit = LAST + 21 * DAY
    assert stage_at(RULE, STEADY, limit - timedelta(microseconds=1))[0] is Stage.ACTIVE
    assert stage_at(RULE, STEADY, limit)[0] is Stage.AT_RISK


def test_a_slow_rhythm_earns_a_longer_limit_up_to_the_ceiling() -> None:
    fortnightly = history(every(14, 30))
    last = JOINED + 29 * 14 * DAY
    assert stage_at(RULE, fortnightly, last + 20 * DAY)[0] is Stage.ACTIVE
    assert stage_at(RULE, fortnightly, last + 21 * DAY)[0] is Stage.AT_RISK
    monthly = history(every(45, 12))
    found = judge(RULE, monthly, JOINED + 11 * 45 * DAY + 59 * DAY)
    assert (found.stage, found.evidence.silence_limit_days) == (Stage.ACTIVE, 60.0)


def test_a_holiday_within_a_burst_makers_rhythm_is_not_at_risk() -> None:
    # A maintainer: a week of bursts every month, and one three-week holiday last year.
    bursts = [
        (JOINED + timedelta(days=30 * month + day), 10.0) for month in range(12) for day in range(5)
    ]
    maintainer = history(bursts)
    last = bursts[-1][0]
    assert stage_at(RULE, maintainer, last + 30 * DAY)[0] is Stage.ACTIVE


def test_long_silence_is_inactive_and_never_interacting_is_inactive_after_the_same_span() -> None:
    assert stage_at(RULE, STEADY, LAST + 90 * DAY)[0] is Stage.INACTIVE
    silent = history([])
    assert judge(RULE, silent, JOINED + 10 * DAY).stage is Stage.NEW
    assert judge(RULE, silent, JOINED + 40 * DAY).stage is Stage.OCCASIONAL
    found = judge(RULE, silent, JOINED + 90 * DAY)
    assert (found.stage, found.reason) == (
        Stage.INACTIVE,
        "no interaction in the 90 days since joining",
    )


def test_a_newcomer_whose_activity_fell_in_one_weekend_is_never_at_risk() -> None:
    saturday = JOINED + 5 * DAY
    weekend = history([(saturday + timedelta(hours=h), 5.0) for h in range(0, 40, 4)])
    for days in (3, 20, 35, 60):
        assert stage_at(RULE, weekend, saturday + days * DAY)[0] is not Stage.AT_RISK
    found = judge(RULE, weekend, saturday + 35 * DAY)
    assert found.stage is Stage.OCCASIONAL
    # Their usual rate is the weekend's weight spread over the year, not the weekend itself.
    assert found.evidence.baseline_weekly == pytest.approx(50.0 / (365 / 7))
    assert found.evidence.active_weeks == 1


def test_occasional_members_are_never_flagged() -> None:
    few = history(every(60, 5))
    for days in range(0, 400, 7):
        assert stage_at(RULE, few, JOINED + days * DAY)[0] is not Stage.AT_RISK


def test_coming_back_after_a_quiet_spell_is_returning_for_the_grace_then_active() -> None:
    back_at = LAST + 40 * DAY
    came_back = history([*every(3.5, 100), *every(3.5, 20, start=back_at)])
    assert stage_at(RULE, came_back, back_at - DAY)[0] is Stage.AT_RISK
    found = judge(RULE, came_back, back_at)
    assert found.stage is Stage.RETURNING
    assert found.reason == f"came back on {back_at.date()} after a quiet spell"
    assert stage_at(RULE, came_back, back_at + 27 * DAY)[0] is Stage.RETURNING
    assert stage_at(RULE, came_back, back_at + 28 * DAY)[0] is Stage.ACTIVE


def test_nothing_after_the_instant_counts_not_even_the_same_day() -> None:
    # Silent since a Thursday, back on a Monday at 10:00: at midnight they were at risk.
    monday = datetime(2025, 1, 6, tzinfo=UTC)
    later_that_day = history([*every(3.5, 100), (monday + timedelta(hours=10), 3.0)])
    before = judge(RULE, STEADY, monday)
    after = judge(RULE, later_that_day, monday)
    assert after == before
    assert (after.stage, after.evidence.last_interaction_at) == (Stage.AT_RISK, LAST)
    assert stage_at(RULE, later_that_day, monday - timedelta(microseconds=1))[0] is Stage.AT_RISK


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_active_weeks": 0}, "min_active_weeks"),
        ({"min_active_weeks": 53}, "min_active_weeks"),
        ({"gap_percentile": 0.0}, "gap_percentile"),
        ({"gap_percentile": float("nan")}, "gap_percentile"),
        ({"gap_factor": 0.0}, "gap_factor"),
        ({"gap_factor": 101.0}, "gap_factor"),
        ({"min_silence": timedelta(days=61)}, "min_silence"),
        ({"max_silence": timedelta(days=90)}, "max_silence"),
        ({"new_for": timedelta(0)}, "new_for"),
        ({"version": ""}, "version"),
    ],
)
def test_a_rule_out_of_range_is_refused_naming_the_parameter(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidRule) as refused:
        replace(RULE, **changes)
    assert refused.value.field == field


@pytest.mark.parametrize("days", [-1, 0, 3651, 1_000_000_000, 2_147_483_647])
def test_rule_days_refuse_what_a_timedelta_cannot_or_should_not_hold(days: int) -> None:
    with pytest.raises(InvalidRule, match="between 1 and 3650 days") as refused:
        rule_days("min_silence_days", days)
    assert refused.value.field == "min_silence_days"
    assert rule_days("min_silence_days", 3650) == timedelta(days=3650)


SHORT = SHORT_RULE


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 400 * 24), min_size=0, max_size=40),
    st.lists(st.integers(0, 500 * 24), min_size=1, max_size=20),
)
def test_the_changes_hold_the_rule_s_stage_at_every_instant(
    hours: list[int], asked: list[int]
) -> None:
    member = history([(JOINED + timedelta(hours=h, minutes=h % 7), 2.0) for h in hours])
    end = JOINED + timedelta(days=500)
    timeline = [(JOINED, verdict(SHORT, member, to_us(JOINED)).stage)] + [
        (at, assessment.stage) for at, assessment in changes(SHORT, member, JOINED, end)
    ]
    for hour in asked:
        at = JOINED + timedelta(hours=hour, seconds=hour % 11)
        recorded = [stage for moment, stage in timeline if moment <= at][-1]
        assert recorded is verdict(SHORT, member, to_us(at)).stage
