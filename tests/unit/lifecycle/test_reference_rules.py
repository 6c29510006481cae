"""Reference rules and the timeline they read: exact, and blind to anything after the instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.lifecycle.backtesting import regularly_active
from domain.lifecycle.history import History, from_us, to_us
from domain.lifecycle.reference_rules import REFERENCE_RULES, CrowdSlipping, OrbitDrift, SilentFor
from domain.lifecycle.rule import StageRule
from domain.lifecycle.stages import verdict
from domain.lifecycle.timeline import Timeline

DAY = timedelta(days=1)
AT = datetime(2025, 6, 4, 12, tzinfo=UTC)
HALF_LIFE = timedelta(days=30)
# Interactions as (days before AT, weight); negative days are after AT.
interactions = st.lists(
    st.tuples(st.floats(-200, 400, allow_nan=False), st.sampled_from([0.5, 1.0, 3.0, 10.0])),
    max_size=60,
)


def history(pairs: list[tuple[float, float]]) -> History:
    return History.of(UUID(int=1), AT - 500 * DAY, ((AT - d * DAY, w) for d, w in pairs))


def judged(rule: object, pairs: list[tuple[float, float]]) -> tuple[bool, float]:
    timeline = Timeline(history(pairs), HALF_LIFE)
    seen = timeline.seen(to_us(AT))
    return rule.flags(timeline, to_us(AT), seen), rule.rank(timeline, to_us(AT), seen)  # type: ignore[attr-defined]


@given(interactions)
def test_the_timeline_answers_as_the_history_does(pairs: list[tuple[float, float]]) -> None:
    past = history(pairs)
    timeline = Timeline(past, HALF_LIFE)
    at = to_us(AT)
    seen = timeline.seen(at)
    assert seen == past.seen(AT)
    assert timeline.active_weeks(at, to_us(AT) - to_us(AT - 365 * DAY), seen) == (
        past.active_weeks(AT, 365 * DAY)
    )
    assert timeline.score(at, seen) == pytest.approx(past.score(AT, HALF_LIFE), rel=1e-9)
    start = to_us(AT - 28 * DAY)
    assert timeline.weight_between(start, seen) == pytest.approx(past.weight_between(start, at))


@given(interactions, interactions)
def test_nothing_after_the_instant_changes_what_any_rule_sees(
    pairs: list[tuple[float, float]], later: list[tuple[float, float]]
) -> None:
    before = [(d, w) for d, w in pairs if d >= 0]
    extended = before + [(-abs(d) - 1e-3, w) for d, w in later]
    for rule in REFERENCE_RULES:
        assert judged(rule, before) == pytest.approx(judged(rule, extended))
    short, long = Timeline(history(before), HALF_LIFE), Timeline(history(extended), HALF_LIFE)
    at = to_us(AT)
    assert regularly_active(short, at, short.seen(at)) == regularly_active(long, at, long.seen(at))
    rule = StageRule()
    assert verdict(rule, short.history, at).stage is verdict(rule, long.history, at).stage


def test_silent_for_flags_at_exactly_n_days() -> None:
    assert judged(SilentFor(28), [(28, 1.0)])[0]
    assert not judged(SilentFor(28), [(27.9, 1.0)])[0]


def test_orbit_drift_compares_the_last_four_weeks_with_the_twelve_before() -> None:
    # 12 weeks before at 3.0 a week: a 4-week average of 12.0; under half is under 6.0.
    prior = [(28 + 7 * n + 1, 3.0) for n in range(12)]
    assert judged(OrbitDrift(), prior + [(1, 5.5)]) == (True, 36.0)
    assert judged(OrbitDrift(), prior + [(1, 6.0)]) == (False, 36.0)
    assert not judged(OrbitDrift(), [])[0]  # nothing before: no drift


def test_crowd_slipping_needs_thirty_silent_days_and_ranks_by_score() -> None:
    flagged, rank = judged(CrowdSlipping(), [(30, 10.0)])
    assert flagged and rank == pytest.approx(5.0)  # one half-life later
    assert not judged(CrowdSlipping(), [(29, 10.0)])[0]


def test_a_history_too_long_for_running_sums_is_still_scored() -> None:
    pairs = [(0.0, 1.0), (400.0, 1.0)]
    timeline = Timeline(history(pairs), timedelta(hours=1))  # 9600 half-lives apart
    assert timeline.score(to_us(AT), 2) == history(pairs).score(
        from_us(to_us(AT)), timedelta(hours=1)
    )
