"""The versioned stage rule: its parameters, their ranges, and its spans in microseconds."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import timedelta

from domain.errors import InvalidField
from domain.lifecycle.history import DAY_US, Rhythm, span_us

WEEK = timedelta(days=7)
# A rule's spans run from a day to ten years: longer ones judge members on activity
# older than any community's data, and reach past what dates can represent.
MAX_RULE_DAYS = 3650
MAX_RULE_VERSION = 100
MAX_GAP_FACTOR = 100.0
WEEKS_IN_YEAR = 52


class InvalidRule(InvalidField):
    """A stage rule parameter outside the range where the rule means something."""

    code = "INVALID_RULE"
    field_code = "out_of_range"


def rule_days(field: str, days: int) -> timedelta:
    """A rule's span given in whole days; refused outside 1 to MAX_RULE_DAYS."""
    if not 1 <= days <= MAX_RULE_DAYS:
        raise InvalidRule(field, f"must be between 1 and {MAX_RULE_DAYS} days, not {days}")
    return timedelta(days=days)


@dataclass(frozen=True)
class StageRule:
    """A named, versioned stage rule; every stage change records the version it used."""

    version: str = "rhythm-2026-12"
    new_for: timedelta = timedelta(days=30)
    baseline_window: timedelta = timedelta(days=365)  # the rhythm: this long before the last
    recent_window: timedelta = timedelta(days=28)  # shown as the recent rate; judges nothing
    min_active_weeks: int = 6  # fewer active weeks in the baseline: occasional
    gap_percentile: float = 0.9  # the usual gap: this percentile of the gaps between active days
    gap_factor: float = 1.5  # silent for this many usual gaps: at risk
    min_silence: timedelta = timedelta(days=21)
    max_silence: timedelta = timedelta(days=60)
    silent_inactive: timedelta = timedelta(days=90)
    returning_grace: timedelta = timedelta(days=28)

    def __post_init__(self) -> None:
        """Refuse a rule whose parameters make no sense, naming the first bad one."""
        if not 1 <= len(self.version) <= MAX_RULE_VERSION:
            raise InvalidRule("version", f"must be 1 to {MAX_RULE_VERSION} characters")
        for field in fields(self):
            span = getattr(self, field.name)
            if isinstance(span, timedelta) and not WEEK / 7 <= span <= MAX_RULE_DAYS * WEEK / 7:
                raise InvalidRule(field.name, f"must be between 1 and {MAX_RULE_DAYS} days")
        if not 1 <= self.min_active_weeks <= WEEKS_IN_YEAR:
            raise InvalidRule("min_active_weeks", f"must be between 1 and {WEEKS_IN_YEAR}")
        if not (math.isfinite(self.gap_percentile) and 0 < self.gap_percentile <= 1):
            raise InvalidRule("gap_percentile", "must be more than 0 and at most 1")
        if not (math.isfinite(self.gap_factor) and 0 < self.gap_factor <= MAX_GAP_FACTOR):
            raise InvalidRule("gap_factor", f"must be more than 0 and at most {MAX_GAP_FACTOR:g}")
        if self.min_silence > self.max_silence:
            raise InvalidRule("min_silence", "must not exceed the max silence")
        # At risk comes before inactive: a silence limit past it would never flag anyone.
        if self.max_silence >= self.silent_inactive:
            raise InvalidRule("max_silence", "must be shorter than the silence that makes inactive")

    def silence_limit(self, rhythm: Rhythm) -> timedelta:
        """How long this member may be silent before they are at risk."""
        return timedelta(microseconds=spans(self).limit(rhythm))


@dataclass(frozen=True)
class Spans:
    """A rule's spans in whole microseconds, worked out once per rule."""

    new_for: int
    min_silence: int
    max_silence: int
    silent_inactive: int
    returning_grace: int
    recent_window: int
    gap_factor: float

    def limit(self, rhythm: Rhythm) -> int:
        """StageRule.silence_limit, in microseconds."""
        if rhythm.usual_gap_days is None:
            return self.max_silence
        usual = round(rhythm.usual_gap_days * self.gap_factor * DAY_US)
        return min(max(usual, self.min_silence), self.max_silence)


# The spans of the rules in use, by identity: judging asks for them at every step.
_SPANS: dict[int, tuple[StageRule, Spans]] = {}


def spans(rule: StageRule) -> Spans:
    """The rule's spans in microseconds."""
    known = _SPANS.get(id(rule))
    if known is None or known[0] is not rule:
        if len(_SPANS) > 64:
            _SPANS.clear()
        known = _SPANS[id(rule)] = (rule, _spans_of(rule))
    return known[1]


def _spans_of(rule: StageRule) -> Spans:
    return Spans(
        new_for=span_us(rule.new_for),
        min_silence=span_us(rule.min_silence),
        max_silence=span_us(rule.max_silence),
        silent_inactive=span_us(rule.silent_inactive),
        returning_grace=span_us(rule.returning_grace),
        recent_window=span_us(rule.recent_window),
        gap_factor=rule.gap_factor,
    )
