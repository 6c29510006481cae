"""The engagement score: decayed weights, kept as an order-independent rank key."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta

import pytest

from domain.interactions.engagement import (
    DEFAULT_RULE,
    NO_ACTIVITY,
    EngagementRule,
    add_to_rank_key,
)
from domain.interactions.interaction import InteractionKind

NOW = datetime(2026, 6, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def rank_key(rule: EngagementRule, interactions: list[tuple[str, datetime]]) -> float:
    """The rank key of a member with these interactions, added in the given order."""
    key = NO_ACTIVITY
    for kind, moment in interactions:
        key = add_to_rank_key(key, rule.increment(kind, moment))
    return key


def direct_score(
    rule: EngagementRule, interactions: list[tuple[str, datetime]], at: datetime
) -> float:
    """The score by its definition: sum of weight * 2^-(age / half-life)."""
    return sum(rule.weight(k) * 2 ** (-((at - m) / rule.half_life)) for k, m in interactions)


def test_score_matches_its_definition_and_halves_every_half_life() -> None:
    history = [("message", NOW - 3 * DAY), ("pull_request", NOW - 40 * DAY), ("reply", NOW)]
    key = rank_key(DEFAULT_RULE, history)
    assert DEFAULT_RULE.score_at(key, NOW) == pytest.approx(
        direct_score(DEFAULT_RULE, history, NOW)
    )
    later = NOW + DEFAULT_RULE.half_life
    assert DEFAULT_RULE.score_at(key, later) == pytest.approx(DEFAULT_RULE.score_at(key, NOW) / 2)


def test_the_rank_key_does_not_depend_on_arrival_order() -> None:
    history = [("message", NOW - n * DAY) for n in (50, 1, 20)] + [("issue", NOW - 400 * DAY)]
    keys = {round(rank_key(DEFAULT_RULE, list(p)), 9) for p in itertools.permutations(history)}
    assert len(keys) == 1


def test_ranking_by_key_is_ranking_by_score_at_any_time() -> None:
    steady = [("message", NOW - n * 7 * DAY) for n in range(20)]
    burst_long_ago = [("pull_request", NOW - 300 * DAY - n * DAY) for n in range(10)]
    a, b = rank_key(DEFAULT_RULE, steady), rank_key(DEFAULT_RULE, burst_long_ago)
    for moment in (NOW, NOW + 90 * DAY, NOW + 3650 * DAY):
        assert (a > b) == (DEFAULT_RULE.score_at(a, moment) > DEFAULT_RULE.score_at(b, moment))


def test_no_activity_scores_zero_and_is_neutral() -> None:
    assert DEFAULT_RULE.score_at(NO_ACTIVITY, NOW) == 0.0
    assert add_to_rank_key(NO_ACTIVITY, 3.5) == 3.5
    assert add_to_rank_key(3.5, NO_ACTIVITY) == 3.5


def test_kinds_weighted_zero_do_not_count() -> None:
    rule = EngagementRule(version="only-prs", weights={InteractionKind.PULL_REQUEST: 1.0})
    assert rule.increment("message", NOW) == NO_ACTIVITY
    assert rule.score_at(rank_key(rule, [("message", NOW)]), NOW) == 0.0


def test_keys_stay_finite_decades_away_from_the_epoch() -> None:
    far = NOW + 365 * 80 * DAY
    key = rank_key(DEFAULT_RULE, [("message", far), ("message", far - DAY)])
    assert math.isfinite(key)
    assert DEFAULT_RULE.score_at(key, far) == pytest.approx(3.0 + 3.0 * 2 ** (-1 / 30))


def test_every_kind_has_a_default_weight() -> None:
    assert set(DEFAULT_RULE.weights) == set(InteractionKind)
    assert all(weight > 0 for weight in DEFAULT_RULE.weights.values())


# The first and last instants Python represents, and a date of the last century.
FAR_PAST = datetime(1, 1, 1, tzinfo=UTC)
LAST_CENTURY = datetime(1900, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("moment", [FAR_PAST, LAST_CENTURY, FAR_FUTURE], ids=str)
def test_an_interaction_at_any_representable_date_adds_to_a_key_of_today(moment: datetime) -> None:
    today = rank_key(DEFAULT_RULE, [("message", NOW)])
    key = rank_key(DEFAULT_RULE, [("message", NOW), ("pull_request", moment)])
    assert math.isfinite(key)
    assert key == max(today, DEFAULT_RULE.increment("pull_request", moment))
    # Added in the other order, or to an empty key, it gives the same.
    assert key == rank_key(DEFAULT_RULE, [("pull_request", moment), ("message", NOW)])


def test_keys_of_extreme_dates_order_like_their_dates() -> None:
    keys = [
        rank_key(DEFAULT_RULE, [("message", moment)])
        for moment in (FAR_PAST, LAST_CENTURY, NOW, FAR_FUTURE)
    ]
    assert keys == sorted(keys) and len(set(keys)) == 4


@pytest.mark.parametrize("moment", [FAR_PAST, LAST_CENTURY, NOW, FAR_FUTURE], ids=str)
def test_scores_at_any_date_are_finite_and_never_raise(moment: datetime) -> None:
    for interaction_at in (FAR_PAST, LAST_CENTURY, FAR_FUTURE):
        key = rank_key(DEFAULT_RULE, [("message", interaction_at)])
        score = DEFAULT_RULE.score_at(key, moment)
        assert math.isfinite(score) and score >= 0.0
    # An interaction of 1900 has decayed to nothing today; one of year 9999 is capped.
    assert DEFAULT_RULE.score_at(rank_key(DEFAULT_RULE, [("message", LAST_CENTURY)]), NOW) == 0.0
    future = rank_key(DEFAULT_RULE, [("message", FAR_FUTURE)])
    assert DEFAULT_RULE.score_at(future, FAR_PAST) > DEFAULT_RULE.score_at(future, FAR_FUTURE)


def test_keys_close_together_add_as_before() -> None:
    """The shortcut for far-apart keys changes nothing where the smaller term still counts."""
    for gap in (0.0, 1.0, 30.0, 52.0, 63.9):
        expected = 10.0 + math.log2(1.0 + 2.0 ** (-gap))
        assert add_to_rank_key(10.0, 10.0 - gap) == expected


def test_a_decayed_weight_is_the_score_of_one_interaction_of_that_weight() -> None:
    """`decayed` is `score_at` of a single term: half after one half-life, any weight."""
    for weight in (0.5, 3.0, 1e6):
        then = NOW - 45 * DAY
        expected = weight * 2 ** (-((NOW - then) / DEFAULT_RULE.half_life))
        assert DEFAULT_RULE.decayed(weight, then, NOW) == pytest.approx(expected, rel=1e-12)
        later = NOW + DEFAULT_RULE.half_life
        assert DEFAULT_RULE.decayed(weight, then, later) == pytest.approx(expected / 2)
    assert DEFAULT_RULE.decayed(0.0, NOW, NOW) == 0.0
