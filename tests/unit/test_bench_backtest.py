"""bench/backtest.py's in-memory backtest: the use case on the generator's own histories."""

from __future__ import annotations

from datetime import timedelta

from application.behaviours import Community
from bench import backtest_memory

COMMUNITY = Community(members=400, seed=5)
HORIZON = timedelta(weeks=26)


def test_every_rule_is_scored_on_the_same_dates_and_the_default_flags_someone() -> None:
    until = COMMUNITY.end - HORIZON
    figures = backtest_memory.backtest(
        COMMUNITY, until - timedelta(weeks=52), until, every=timedelta(weeks=4), horizon=HORIZON
    )
    assert list(figures) == [
        "rhythm-2026-12",
        "silent 28 days",
        "silent 28 days, longest first",
        "Orbit-style drift",
        "crowd.dev-style slipping",
    ]
    default = figures["rhythm-2026-12"]
    assert 0 < default["precision"] < 1 and 0 < default["recall"] <= 1
    assert 0 <= default["precision_at_10"] <= 1
    # Both rankings of silent 28 days flag the same members: only the order differs.
    by_score, longest = figures["silent 28 days"], figures["silent 28 days, longest first"]
    assert (by_score["flagged"], by_score["f1"]) == (longest["flagged"], longest["f1"])
