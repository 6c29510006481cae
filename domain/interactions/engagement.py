"""Engagement scores: weighted interactions decaying with a half-life, as a versioned rule.

A member's score at time t is sum(weight * 2 ** (-(t - occurred_at) / half_life)). Written
as 2 ** (-(t - EPOCH) / half_life) * K, with K = sum(weight * 2 ** ((occurred_at - EPOCH) /
half_life)), K does not depend on t: ranking members by K (kept as log2 K, the rank key)
ranks them by score at every instant, so "top members now" is one index scan.

This module is the one definition of that decay: `EngagementRule.rank_term` and `score_at`
hold the formula, everything else composes them. SQL takes the rule's numbers as
parameters (`replay_parameters` in projections/interactions/replay_totals.py, the per-week
factors of projections/lifecycle/queries.py);
tests/integration/interactions/test_decay_agreement.py holds both sides to the same values.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from domain.interactions.interaction import InteractionKind

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
NO_ACTIVITY = float("-inf")
# Beyond this gap between two keys the smaller cannot change the larger in double precision
# (1 + 2**-64 == 1): the larger is the exact sum. SQL's crm_add_rank uses the same bound.
NEGLIGIBLE_GAP = 64.0
# 2**x for x above this is past the largest float: such scores are capped at that float.
MAX_EXPONENT = math.log2(sys.float_info.max)

# Defaults after the public rules of crowd.dev and Orbit (their PR, issue, comment and message
# weights): building and helping weigh most, passive signals least.
DEFAULT_WEIGHTS: dict[InteractionKind, float] = {
    InteractionKind.PULL_REQUEST: 10.0,
    InteractionKind.EVENT_HOSTED: 10.0,
    InteractionKind.TALK_GIVEN: 9.0,
    InteractionKind.ANSWER_ACCEPTED: 8.0,
    InteractionKind.ISSUE: 8.0,
    InteractionKind.EVENT_ATTENDED: 7.0,
    InteractionKind.POST: 6.0,
    InteractionKind.FEEDBACK: 6.0,
    InteractionKind.REPLY: 5.0,
    InteractionKind.REFERRAL: 5.0,
    InteractionKind.CONTENT_SHARED: 4.0,
    InteractionKind.MESSAGE: 3.0,
    InteractionKind.SUPPORT_REQUEST: 2.0,
    InteractionKind.REACTION_RECEIVED: 1.0,
    InteractionKind.REACTION_GIVEN: 0.5,
}


@dataclass(frozen=True)
class EngagementRule:
    """A named, versioned scoring rule: weights per kind and a half-life."""

    version: str = "engagement-2026-11"
    half_life: timedelta = timedelta(days=30)
    weights: dict[InteractionKind, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def weight(self, kind: str) -> float:
        """The weight of one interaction of this kind (0 for kinds the rule ignores)."""
        return self.weights.get(InteractionKind(kind), 0.0)

    def increment(self, kind: str, occurred_at: datetime) -> float:
        """The rank-key term of one interaction of this kind."""
        return self.rank_term(self.weight(kind), occurred_at)

    def rank_term(self, weight: float, occurred_at: datetime) -> float:
        """One interaction's part of a rank key: log2(weight) + (occurred_at - EPOCH) / h."""
        if weight <= 0:
            return NO_ACTIVITY
        return math.log2(weight) + self.halvings(occurred_at)

    def halvings(self, moment: datetime) -> float:
        """How many half-lives `moment` is after EPOCH (negative before): the decay's clock."""
        return (moment - EPOCH) / self.half_life

    def score_at(self, rank_key: float, moment: datetime) -> float:
        """The decayed score at `moment` of a member with this rank key, for any dates."""
        if rank_key == NO_ACTIVITY:
            return 0.0
        exponent = rank_key - self.halvings(moment)
        # A score past the largest float (interactions far in the future of `moment`) is
        # capped there; ranks come from the keys, which keep the order.
        if exponent >= MAX_EXPONENT:
            return sys.float_info.max
        return float(2.0**exponent)  # far in the past it underflows to 0.0, never raises

    def decayed(self, weight: float, occurred_at: datetime, moment: datetime) -> float:
        """What `weight` recorded at `occurred_at` is worth at `moment`."""
        return self.score_at(self.rank_term(weight, occurred_at), moment)


def add_to_rank_key(rank_key: float, term: float) -> float:
    """log2(2**rank_key + 2**term), never overflowing nor underflowing; order does not matter."""
    if term == NO_ACTIVITY:
        return rank_key
    if rank_key == NO_ACTIVITY:
        return term
    high, low = max(rank_key, term), min(rank_key, term)
    if high - low > NEGLIGIBLE_GAP:
        return high
    return high + math.log2(1.0 + 2.0 ** (low - high))


DEFAULT_RULE = EngagementRule()
