"""The engagement score: decayed weights, kept as an order-independent rank key."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta

import pytest

from domain.engagement import (
    DEFAULT_RULE,
    NO_ACTIVITY,
    EngagementRule,
    add_to_rank_key,
)
from domain.interaction import InteractionKind

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
