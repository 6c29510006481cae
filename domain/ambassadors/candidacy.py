"""The versioned candidacy rule: who the community manager should consider as an ambassador.

After Discourse's trust level 3: requirements over a window, all of which must be met to
enter, and a member stays a candidate until some factor falls below 90% (the hysteresis)
of its threshold, so the list does not flicker from one evaluation to the next.

A candidate's score ranks the list: the sum over the factors of weight x min(value /
threshold, cap). Reaching every threshold exactly scores the sum of the weights; going
beyond a threshold counts up to `cap` times it, so one huge factor cannot hide thin others.
A factor whose threshold is 0 requires nothing; it adds weight x cap when its value is
above 0 (the most it may add), nothing otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from domain.errors import InvalidField

MAX_RULE_VERSION = 100
MAX_WINDOW_DAYS = 3650
# Consistency counts the active weeks among the last 26 (a half year of weeks).
CONSISTENCY_WEEKS = 26
MAX_THRESHOLD = 1e9
MAX_WEIGHT = 1000.0
MAX_CAP = 100.0


class Factor(StrEnum):
    """What the candidacy rule looks at in a member, over the rule's window before an instant."""

    # The sum of the member's interaction weights in the window (engagement rule weights,
    # not decayed: a steady contributor and a recent one weigh alike within the window).
    ENGAGEMENT = "engagement"
    TENURE_DAYS = "tenure_days"  # whole days since the member joined
    BREADTH = "breadth"  # distinct channels the member interacted on in the window
    HELPFULNESS = "helpfulness"  # replies and accepted answers in the window
    # Praise and criticism given as feedback in the window: interactions of kind feedback,
    # which the feedback context records once per submitted item (never counted twice).
    PRAISE_AND_FEEDBACK = "praise_and_feedback"
    EVENTS_ATTENDED = "events_attended"  # event_attended interactions in the window
    CONSISTENCY = "consistency"  # weeks with activity among the last 26 (UTC weeks)


class InvalidCandidacyRule(InvalidField):
    """A candidacy rule parameter outside the range where the rule means something."""

    code = "INVALID_RULE"
    field_code = "out_of_range"


DEFAULT_THRESHOLDS: dict[Factor, float] = {
    Factor.ENGAGEMENT: 100.0,
    Factor.TENURE_DAYS: 90.0,
    Factor.BREADTH: 2.0,
    Factor.HELPFULNESS: 10.0,
    Factor.PRAISE_AND_FEEDBACK: 1.0,
    Factor.EVENTS_ATTENDED: 1.0,
    Factor.CONSISTENCY: 8.0,
}
# Helping others and showing up week after week say most about a future ambassador.
DEFAULT_WEIGHTS: dict[Factor, float] = {
    Factor.ENGAGEMENT: 2.0,
    Factor.TENURE_DAYS: 1.0,
    Factor.BREADTH: 1.0,
    Factor.HELPFULNESS: 3.0,
    Factor.PRAISE_AND_FEEDBACK: 1.0,
    Factor.EVENTS_ATTENDED: 1.0,
    Factor.CONSISTENCY: 2.0,
}


@dataclass(frozen=True)
class CandidacyRule:
    """A named, versioned candidacy rule; every run and nomination records its version."""

    version: str = "candidacy-2026-12"
    window: timedelta = timedelta(days=180)
    hysteresis: float = 0.9  # a candidate leaves only below this share of a threshold
    cap: float = 2.0  # a factor counts up to this many times its threshold in the score
    thresholds: Mapping[Factor, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    weights: Mapping[Factor, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def __post_init__(self) -> None:
        """Refuse a rule whose parameters make no sense, naming the first bad one."""
        if not 1 <= len(self.version) <= MAX_RULE_VERSION:
            raise InvalidCandidacyRule("version", f"must be 1 to {MAX_RULE_VERSION} characters")
        if not timedelta(days=1) <= self.window <= timedelta(days=MAX_WINDOW_DAYS):
            raise InvalidCandidacyRule("window_days", f"must be 1 to {MAX_WINDOW_DAYS} days")
        if self.window % timedelta(days=1):
            raise InvalidCandidacyRule("window_days", "must be whole days")
        if not (math.isfinite(self.hysteresis) and 0 < self.hysteresis <= 1):
            raise InvalidCandidacyRule("hysteresis", "must be more than 0 and at most 1")
        if not (math.isfinite(self.cap) and 1 <= self.cap <= MAX_CAP):
            raise InvalidCandidacyRule("cap", f"must be between 1 and {MAX_CAP:g}")
        _check_factors("thresholds", self.thresholds, MAX_THRESHOLD)
        _check_factors("weights", self.weights, MAX_WEIGHT)
        if self.thresholds[Factor.CONSISTENCY] > CONSISTENCY_WEEKS:
            raise InvalidCandidacyRule(
                "thresholds.consistency", f"must be at most {CONSISTENCY_WEEKS} weeks"
            )

    @property
    def window_days(self) -> int:
        """The window in whole days."""
        return self.window.days

    def floor(self, factor: Factor) -> float:
        """The value below which a candidate stops being one."""
        return self.hysteresis * self.thresholds[factor]

    def as_dict(self) -> dict[str, object]:
        """The rule's parameters as plain JSON, as runs record them."""
        return {
            "version": self.version,
            "window_days": self.window_days,
            "hysteresis": self.hysteresis,
            "cap": self.cap,
            "thresholds": {str(f): self.thresholds[f] for f in Factor},
            "weights": {str(f): self.weights[f] for f in Factor},
        }


def _check_factors(name: str, given: Mapping[Factor, float], maximum: float) -> None:
    """Every factor present, none unknown, each a finite number from 0 to `maximum`."""
    for key in given:
        if key not in Factor.__members__.values():
            raise InvalidCandidacyRule(f"{name}.{key}", "is not a candidacy factor")
    for factor in Factor:
        value = given.get(factor)
        if value is None:
            raise InvalidCandidacyRule(f"{name}.{factor}", "is missing")
        if not (math.isfinite(value) and 0 <= value <= maximum):
            raise InvalidCandidacyRule(f"{name}.{factor}", f"must be from 0 to {maximum:g}")


@dataclass(frozen=True)
class FactorJudgement:
    """One factor of a member under a rule: where it stands against its threshold."""

    factor: Factor
    value: float
    threshold: float
    floor: float  # hysteresis x threshold: a candidate below it stops being one
    met: bool  # value >= threshold: enough to enter
    holds: bool  # value >= floor: enough to stay
    contribution: float  # its part of the score


@dataclass(frozen=True)
class Verdict:
    """Whether a member is a candidate under a rule, with the score and why."""

    candidate: bool
    score: float
    why: tuple[FactorJudgement, ...]


def judge(rule: CandidacyRule, factors: Mapping[Factor, float], was_candidate: bool) -> Verdict:
    """Candidate when every threshold is met, or, for a candidate, while every factor holds.

    A missing factor counts as 0.
    """
    why = tuple(_judge_factor(rule, factor, float(factors.get(factor, 0.0))) for factor in Factor)
    entered = all(j.met for j in why)
    stays = was_candidate and all(j.holds for j in why)
    return Verdict(entered or stays, sum(j.contribution for j in why), why)


def _judge_factor(rule: CandidacyRule, factor: Factor, value: float) -> FactorJudgement:
    threshold, weight = rule.thresholds[factor], rule.weights[factor]
    floor = rule.floor(factor)
    if threshold > 0:
        ratio = min(value / threshold, rule.cap)
    else:  # nothing required: having any of it counts in full
        ratio = rule.cap if value > 0 else 0.0
    return FactorJudgement(
        factor, value, threshold, floor, value >= threshold, value >= floor, weight * ratio
    )
