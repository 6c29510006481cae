"""The stage rule: who is new, active, at risk, inactive or returning, and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.lifecycle.stages import (
    Activity,
    InvalidRule,
    Stage,
    StageRule,
    assess,
    on_interaction,
    rule_days,
)

RULE = StageRule()
AT = datetime(2026, 6, 1, tzinfo=UTC)
DAY = timedelta(days=1)
LONG_AGO = AT - 400 * DAY


def activity(
    *, baseline: float, recent: float, silent_days: int, joined: datetime = LONG_AGO
) -> Activity:
    """A member's activity as the rule sees it."""
    return Activity(joined, AT - silent_days * DAY, baseline, recent, score=recent)


def stage(act: Activity, current: Stage | None = None, since: datetime | None = None) -> Stage:
    """The stage the rule gives at AT."""
    return assess(RULE, act, at=AT, current=current, since=since).stage


def test_a_member_at_their_usual_level_is_active() -> None:
    assert stage(activity(baseline=90, recent=30, silent_days=1)) is Stage.ACTIVE


def test_a_drop_below_the_fraction_of_their_own_baseline_is_at_risk() -> None:
    result = assess(
        RULE, activity(baseline=90, recent=5, silent_days=3), at=AT, current=None, since=None
    )
    assert result.stage is Stage.AT_RISK
    assert result.evidence.baseline_weekly == 7.0
    assert round(result.evidence.recent_weekly, 3) == round(5 / (30 / 7), 3)
    assert "usual weekly activity" in result.reason and result.rule_version == RULE.version


def test_silence_after_being_active_is_at_risk_and_long_silence_is_inactive() -> None:
    assert stage(activity(baseline=90, recent=25, silent_days=22)) is Stage.AT_RISK
    assert stage(activity(baseline=90, recent=0, silent_days=61)) is Stage.INACTIVE


def test_members_who_were_never_very_active_are_not_at_risk() -> None:
    assert stage(activity(baseline=6, recent=0, silent_days=30)) is Stage.ACTIVE
    assert stage(activity(baseline=6, recent=0, silent_days=60)) is Stage.INACTIVE


def test_recent_joiners_are_new() -> None:
    assert stage(activity(baseline=0, recent=3, silent_days=2, joined=AT - 10 * DAY)) is Stage.NEW


def test_at_risk_needs_a_real_recovery_to_leave_hysteresis() -> None:
    # At risk since yesterday; the last interaction was the day before.
    halfway = activity(baseline=90, recent=12, silent_days=2)  # 40% of usual: above 30, below 60
    assert stage(halfway) is Stage.ACTIVE
    assert stage(halfway, current=Stage.AT_RISK, since=AT - DAY) is Stage.AT_RISK
    recovered = activity(baseline=90, recent=20, silent_days=2)  # 67%
    assert stage(recovered, current=Stage.AT_RISK, since=AT - DAY) is Stage.ACTIVE


def test_returning_members_get_a_grace_period_then_are_judged() -> None:
    weak = activity(baseline=90, recent=2, silent_days=1)
    assert stage(weak, current=Stage.RETURNING, since=AT - 5 * DAY) is Stage.RETURNING
    assert stage(weak, current=Stage.RETURNING, since=AT - 20 * DAY) is Stage.AT_RISK
    middling = activity(baseline=90, recent=12, silent_days=1)
    assert stage(middling, current=Stage.RETURNING, since=AT - 20 * DAY) is Stage.RETURNING
    strong = activity(baseline=90, recent=25, silent_days=1)
    assert stage(strong, current=Stage.RETURNING, since=AT - 20 * DAY) is Stage.ACTIVE


def test_left_members_stay_left_until_they_rejoin() -> None:
    assert stage(activity(baseline=90, recent=30, silent_days=1), current=Stage.LEFT) is Stage.LEFT


def test_assessing_twice_gives_the_same_answer() -> None:
    act = activity(baseline=90, recent=5, silent_days=3)
    first = assess(RULE, act, at=AT, current=None, since=None)
    again = assess(RULE, act, at=AT, current=first.stage, since=AT)
    assert again.stage is first.stage


def test_only_recent_interactions_bring_quiet_members_back() -> None:
    since = AT - 30 * DAY
    assert on_interaction(Stage.AT_RISK, since, AT)
    assert on_interaction(Stage.INACTIVE, since, AT)
    assert not on_interaction(Stage.AT_RISK, since, since - DAY)  # imported late
    assert not on_interaction(Stage.ACTIVE, since, AT)
    assert not on_interaction(Stage.LEFT, since, AT)


def test_an_evaluation_catches_a_return_that_was_not_recorded() -> None:
    back = activity(baseline=90, recent=3, silent_days=1)
    assert stage(back, current=Stage.AT_RISK, since=AT - 10 * DAY) is Stage.RETURNING
    assert stage(back, current=Stage.INACTIVE, since=AT - 10 * DAY) is Stage.RETURNING
    still_quiet = activity(baseline=90, recent=3, silent_days=12)
    assert stage(still_quiet, current=Stage.AT_RISK, since=AT - 10 * DAY) is Stage.AT_RISK


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"silent_at_risk": timedelta(days=0)}, "silent_at_risk"),
        ({"silent_inactive": timedelta(days=-1)}, "silent_inactive"),
        ({"recent_window": timedelta(days=3651)}, "recent_window"),
        ({"baseline_window": timedelta(hours=1)}, "baseline_window"),
        ({"min_baseline_weight": -1.0}, "min_baseline_weight"),
        ({"min_baseline_weight": float("nan")}, "min_baseline_weight"),
        ({"drop_fraction": 0.0}, "drop_fraction"),
        ({"recover_fraction": 1.5}, "recover_fraction"),
        ({"drop_fraction": 0.7, "recover_fraction": 0.6}, "drop_fraction"),
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
        rule_days("silent_at_risk_days", days)
    assert refused.value.field == "silent_at_risk_days"
    assert rule_days("silent_at_risk_days", 3650) == timedelta(days=3650)
