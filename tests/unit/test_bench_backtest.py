"""bench/backtest.py's in-memory backtest: the contract's labels, every rule on the same dates."""

from __future__ import annotations

from datetime import timedelta

from application.behaviours import Community
from bench import backtest_memory
from domain.lifecycle.stages import StageRule

COMMUNITY = Community(members=400, seed=5)
HORIZON = timedelta(weeks=26)


def test_each_rule_is_scored_and_only_members_with_a_rhythm_are_ever_flagged() -> None:
    until = COMMUNITY.end - HORIZON
    dates = [until - timedelta(weeks=4 * n) for n in range(26)]
    rules = {
        "rhythm": backtest_memory.rhythm(StageRule()),
        "silent": backtest_memory.silent(28),
        "drift": backtest_memory.drift,
    }
    figures = backtest_memory.backtest(COMMUNITY, rules, dates, HORIZON)
    assert set(figures) == set(rules)
    for scored in figures.values():
        assert 0 < scored["precision"] < 1 and 0 < scored["recall"] <= 1
        assert 0 <= scored["precision_at_10"] <= 1
        # The population is regular members only: one-offs and occasionals never count.
        assert not {"one_off", "occasional"} & set(scored["flagged_not_stopped_by_behaviour"])
