"""Lifecycle stages and the versioned rule that assigns them, with its evidence.

Time-driven changes (a member going quiet) come from `assess`, run by an evaluation at
any instant; interaction-driven ones (a quiet member coming back) from `on_interaction`.
Hysteresis keeps members from flapping: entering at_risk takes a drop below
`drop_fraction` of the member's own baseline, leaving it takes an interaction and then
activity back above the higher `recover_fraction` after a grace period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import InvalidField

WEEK = timedelta(days=7)
# A rule's spans run from a day to ten years: longer ones judge members on activity
# older than any community's data, and reach past what dates can represent.
MAX_RULE_DAYS = 3650
MAX_BASELINE_WEIGHT = 1_000_000.0
MAX_RULE_VERSION = 100


class InvalidRule(InvalidField):
    """A stage rule parameter outside the range where the rule means something."""

    code = "INVALID_RULE"
    field_code = "out_of_range"


def rule_days(field: str, days: int) -> timedelta:
    """A rule's span given in whole days; refused outside 1 to MAX_RULE_DAYS."""
    if not 1 <= days <= MAX_RULE_DAYS:
        raise InvalidRule(field, f"must be between 1 and {MAX_RULE_DAYS} days, not {days}")
    return timedelta(days=days)


class Stage(StrEnum):
    """Where a member is in their life in the community; stored by value in events."""

    NEW = "new"
    ACTIVE = "active"
    AT_RISK = "at_risk"
    INACTIVE = "inactive"
    RETURNING = "returning"
    LEFT = "left"


@dataclass(frozen=True)
class StageRule:
    """A named, versioned stage rule; every stage change records the version it used."""

    version: str = "stages-2026-11"
    new_for: timedelta = timedelta(days=30)
    recent_window: timedelta = timedelta(days=30)
    baseline_window: timedelta = timedelta(days=90)  # the 90 days before the recent window
    min_baseline_weight: float = 15.0  # "was active": this much weight in the baseline
    drop_fraction: float = 0.3
    recover_fraction: float = 0.6
    silent_at_risk: timedelta = timedelta(days=21)
    silent_inactive: timedelta = timedelta(days=60)
    returning_grace: timedelta = timedelta(days=14)

    def __post_init__(self) -> None:
        """Refuse a rule whose parameters make no sense, naming the first bad one."""
        if not 1 <= len(self.version) <= MAX_RULE_VERSION:
            raise InvalidRule("version", f"must be 1 to {MAX_RULE_VERSION} characters")
        for field in fields(self):
            span = getattr(self, field.name)
            if isinstance(span, timedelta) and not WEEK / 7 <= span <= MAX_RULE_DAYS * WEEK / 7:
                raise InvalidRule(field.name, f"must be between 1 and {MAX_RULE_DAYS} days")
        weight = self.min_baseline_weight
        if not (math.isfinite(weight) and 0 <= weight <= MAX_BASELINE_WEIGHT):
            raise InvalidRule(
                "min_baseline_weight", f"must be between 0 and {MAX_BASELINE_WEIGHT:g}"
            )
        for name in ("drop_fraction", "recover_fraction"):
            fraction = getattr(self, name)
            if not (math.isfinite(fraction) and 0 < fraction <= 1):
                raise InvalidRule(name, "must be more than 0 and at most 1")
        # Hysteresis: leaving at risk must take at least the activity whose loss entered it.
        if self.drop_fraction > self.recover_fraction:
            raise InvalidRule("drop_fraction", "must not exceed the recover fraction")


@dataclass(frozen=True)
class Activity:
    """What the rule needs to know of one member at one instant."""

    joined_at: datetime
    last_interaction_at: datetime | None
    baseline_weight: float  # weighted interactions in the baseline window
    recent_weight: float  # weighted interactions in the recent window
    score: float  # the engagement score at that instant


@dataclass(frozen=True)
class Evidence:
    """Why a member is where they are, in plain fields."""

    baseline_weekly: float
    recent_weekly: float
    last_interaction_at: datetime | None
    days_silent: int
    score: float


@dataclass(frozen=True)
class Assessment:
    """A stage with its evidence and the rule version that gave it."""

    stage: Stage
    evidence: Evidence
    rule_version: str
    reason: str


def evidence_of(rule: StageRule, activity: Activity, at: datetime) -> Evidence:
    """The numbers a stage decision rests on."""
    last = activity.last_interaction_at or activity.joined_at
    return Evidence(
        baseline_weekly=activity.baseline_weight / (rule.baseline_window / WEEK),
        recent_weekly=activity.recent_weight / (rule.recent_window / WEEK),
        last_interaction_at=activity.last_interaction_at,
        days_silent=max((at - last).days, 0),
        score=activity.score,
    )


def assess(
    rule: StageRule,
    activity: Activity,
    *,
    at: datetime,
    current: Stage | None,
    since: datetime | None,
) -> Assessment:
    """The member's stage at `at`, given where they stood (current, since when)."""
    evidence = evidence_of(rule, activity, at)
    stage, reason = _decide(rule, activity, evidence, at, current, since)
    return Assessment(stage, evidence, rule.version, reason)


def on_interaction(
    current: Stage | None, stage_since: datetime | None, occurred_at: datetime
) -> bool:
    """Whether this interaction brings a quiet member back (an old one imported late does not)."""
    quiet = current in (Stage.AT_RISK, Stage.INACTIVE)
    return quiet and (stage_since is None or occurred_at >= stage_since)


def _decide(
    rule: StageRule,
    activity: Activity,
    evidence: Evidence,
    at: datetime,
    current: Stage | None,
    since: datetime | None,
) -> tuple[Stage, str]:
    if current is Stage.LEFT:
        return Stage.LEFT, "left the community"
    silent = timedelta(days=evidence.days_silent)
    was_active = activity.baseline_weight >= rule.min_baseline_weight
    ratio = evidence.recent_weekly / evidence.baseline_weekly if evidence.baseline_weekly else 1.0
    if silent >= rule.silent_inactive:
        return Stage.INACTIVE, f"silent for {evidence.days_silent} days"
    last = activity.last_interaction_at
    if last is not None and on_interaction(current, since, last):
        # Recorded when the interaction was processed; this catches any that was not.
        return Stage.RETURNING, "interacted again after being quiet"
    if current is Stage.RETURNING and since is not None and at - since < rule.returning_grace:
        return Stage.RETURNING, "came back recently; judged again after the grace period"
    recovered = silent < rule.silent_at_risk and (not was_active or ratio >= rule.recover_fraction)
    dropped = was_active and (silent >= rule.silent_at_risk or ratio < rule.drop_fraction)
    if dropped or (current is Stage.AT_RISK and not recovered):
        return Stage.AT_RISK, _at_risk_reason(rule, evidence, silent, ratio)
    if current is Stage.RETURNING and not recovered:
        return Stage.RETURNING, "back, but not yet at their usual activity"
    if at - activity.joined_at < rule.new_for:
        return Stage.NEW, f"joined {(at - activity.joined_at).days} days ago"
    return Stage.ACTIVE, "active at their usual level"


def _at_risk_reason(rule: StageRule, evidence: Evidence, silent: timedelta, ratio: float) -> str:
    if silent >= rule.silent_at_risk:
        return f"silent for {evidence.days_silent} days after being active"
    return (
        f"last {rule.recent_window.days} days at {ratio:.0%} of their usual weekly activity"
        f" ({evidence.recent_weekly:.1f} vs {evidence.baseline_weekly:.1f})"
    )
