"""Lifecycle stages, judged by the stage rule (rule.py) from each member's own rhythm.

The stage at an instant is a function of the member's interactions up to that instant and
nothing else: not of when evaluations ran, nor of anything after it. A member is at risk
when they have been silent for longer than they usually are: the high percentile of the
gaps between the weeks they were active over the year before their last interaction, with a
floor and a ceiling. That limit is fixed for the whole silence, so a member enters the at-risk
list once per silence and leaves it only by coming back (the rule's hysteresis), and a
maintainer's release burst or yearly holiday does not move it much. Members active in too
few weeks to have a rhythm are occasional: shown and counted, never flagged.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.lifecycle.history import (
    DAY_US,
    History,
    Rhythm,
    day_of,
    from_us,
    span_us,
    to_us,
    week_of_day,
)
from domain.lifecycle.rule import WEEK, StageRule, spans


class Stage(StrEnum):
    """Where a member is in their life in the community; stored by value in events."""

    NEW = "new"
    ACTIVE = "active"
    OCCASIONAL = "occasional"
    AT_RISK = "at_risk"
    INACTIVE = "inactive"
    RETURNING = "returning"
    LEFT = "left"


@dataclass(frozen=True)
class Evidence:
    """Why a member is where they are, in plain fields, as of the instant judged."""

    baseline_weekly: float  # usual weighted activity per week over the baseline
    recent_weekly: float  # weighted activity per week over the recent window
    last_interaction_at: datetime | None
    days_silent: int
    score: float  # the engagement score at the instant judged
    usual_gap_days: int | None = None
    silence_limit_days: float | None = None
    active_weeks: int = 0
    stake: float = 0.0  # what the community would lose: orders the at-risk list


@dataclass(frozen=True)
class Assessment:
    """A stage with its evidence and the rule version that gave it."""

    stage: Stage
    evidence: Evidence
    rule_version: str
    reason: str


@dataclass(frozen=True)
class Verdict:
    """The stage at an instant and what it rests on: no evidence built, for backtests."""

    stage: Stage
    seen: int  # interactions at or before the instant
    rhythm: Rhythm | None
    last_us: int = 0  # the last interaction at or before the instant
    returned_us: int | None = None  # when they came back, for a returning member

    def stake(self, at_us: int) -> float:
        """What the community stands to lose, for an at-risk member (0 otherwise).

        Days silent, plus two days for each doubling of their usual weekly activity: among
        members past their own limit, the longest gone are the likeliest to have stopped
        (on the known-behaviour community this ranks better than engagement times how
        unusual the silence is; BENCHMARKS.md), and the busiest come first at equal silence.
        Every stake grows a day a day, so the order never changes with time.
        """
        if self.stage is not Stage.AT_RISK or self.rhythm is None:
            return 0.0
        return (at_us - self.last_us) / DAY_US + 2 * math.log2(1 + self.rhythm.usual_weekly)


def verdict(rule: StageRule, history: History, at_us: int) -> Verdict:
    """The member's stage at `at_us`, from their interactions up to it."""
    us = spans(rule)
    seen = history.seen_us(at_us)
    began = history.began_us
    if not seen:
        quiet = at_us - began
        if quiet >= us.silent_inactive:
            return Verdict(Stage.INACTIVE, 0, None)
        return Verdict(Stage.NEW if quiet < us.new_for else Stage.OCCASIONAL, 0, None)
    silence = at_us - history.moments[seen - 1]
    if silence >= us.silent_inactive:
        return Verdict(Stage.INACTIVE, seen, None)
    if at_us - began < us.new_for:
        return Verdict(Stage.NEW, seen, None)
    rhythm = history.rhythm(seen, rule.baseline_window, rule.gap_percentile)
    if rhythm.active_weeks < rule.min_active_weeks:
        return Verdict(Stage.OCCASIONAL, seen, rhythm)
    if silence >= us.limit(rhythm):
        return Verdict(Stage.AT_RISK, seen, rhythm, last_us=history.moments[seen - 1])
    returned = _returned(rule, history, seen, at_us)
    if returned is not None:
        return Verdict(Stage.RETURNING, seen, rhythm, returned_us=returned)
    return Verdict(Stage.ACTIVE, seen, rhythm)


def stage_at(rule: StageRule, history: History, at: datetime) -> tuple[Stage, float]:
    """The member's stage at `at` and their stake; what a backtest asks at every date."""
    found = verdict(rule, history, to_us(at))
    return found.stage, found.stake(to_us(at))


def judge(
    rule: StageRule, history: History, at: datetime, *, half_life: timedelta = timedelta(days=30)
) -> Assessment:
    """The member's stage at `at` with the evidence as of `at` and the reason in words."""
    at_us = to_us(at)
    found = verdict(rule, history, at_us)
    evidence = _evidence(rule, history, found, at_us, half_life)
    return Assessment(found.stage, evidence, rule.version, _reason(rule, found, evidence))


def quiet_before(rule: StageRule, history: History, index: int) -> bool:
    """Whether the member was at risk or inactive just before their `index`-th interaction."""
    us = spans(rule)
    moment = history.moments[index]
    if index == 0:
        return moment - history.began_us >= us.silent_inactive
    gap = moment - history.moments[index - 1]
    if gap >= us.silent_inactive:
        return True
    if gap < us.min_silence or moment - history.began_us < us.new_for:
        return False
    rhythm = history.rhythm(index, rule.baseline_window, rule.gap_percentile)
    limit = us.limit(rhythm)
    return rhythm.active_weeks >= rule.min_active_weeks and gap >= limit


def _returned(rule: StageRule, history: History, seen: int, at_us: int) -> int | None:
    """When the member came back, if they came back from a quiet spell within the grace."""
    us = spans(rule)
    grace_start = at_us - us.returning_grace
    index = seen - 1
    while index >= 0 and history.moments[index] > grace_start:
        if quiet_before(rule, history, index):
            return history.moments[index]
        index -= 1
    return None


def changes(
    rule: StageRule,
    history: History,
    after: datetime,
    until: datetime,
    *,
    half_life: timedelta = timedelta(days=30),
) -> list[tuple[datetime, Assessment]]:
    """The instants in (after, until] where the member's stage changes, each with its assessment.

    A stage holds from its instant until the next change, so recording these (and nothing
    else) leaves the same stage history whenever and however often evaluations ran.
    """
    start, end = to_us(after), to_us(until)
    found = []
    stage = verdict(rule, history, start).stage
    for moment in _candidates(rule, history, start, end):
        now = verdict(rule, history, moment).stage
        if now is not stage:
            found.append(
                (from_us(moment), judge(rule, history, from_us(moment), half_life=half_life))
            )
            stage = now
    return found


def _candidates(rule: StageRule, history: History, start: int, end: int) -> list[int]:
    """Every instant in (start, end] at which the stage can change, in order.

    Between them nothing the rule reads moves but the silence, and the silence only matters
    when it crosses a limit: at an interaction's end of silence, the limit, or inactivity.
    """
    us = spans(rule)
    began = history.began_us
    moments = history.moments
    grace = us.returning_grace
    points = {began + us.new_for, began + us.silent_inactive}
    # From the last interaction before `start` (its silence runs on), or earlier when a return
    # before `start` has a grace that ends after it.
    first = max(min(history.seen_us(start) - 1, history.seen_us(start - grace)), 0)
    last = history.seen_us(end)
    window = span_us(rule.baseline_window)
    # Active weeks in the window ending at each interaction, counted as the window slides.
    oldest = bisect.bisect_right(moments, moments[first] - window) if moments else 0
    weeks: Counter[int] = Counter(week_of_day(day_of(m)) for m in moments[oldest:first])
    regular_before = None
    for index in range(first, last):
        moment = moments[index]
        weeks[week_of_day(day_of(moment))] += 1
        while moments[oldest] <= moment - window:
            _forget(weeks, week_of_day(day_of(moments[oldest])))
            oldest += 1
        regular = len(weeks) >= rule.min_active_weeks
        if regular is not regular_before:
            points.add(moment)
        regular_before = regular
        if quiet_before(rule, history, index):
            points.update((moment, moment + grace))
        silence = (moments[index + 1] if index + 1 < len(moments) else end + 1) - moment
        if silence >= us.min_silence:
            rhythm = history.rhythm(index + 1, rule.baseline_window, rule.gap_percentile)
            points.add(moment + us.limit(rhythm))
            points.add(moment + us.silent_inactive)
    return sorted(point for point in points if start < point <= end)


def _forget(weeks: Counter[int], week: int) -> None:
    weeks[week] -= 1
    if not weeks[week]:
        del weeks[week]


def _evidence(
    rule: StageRule, history: History, found: Verdict, at_us: int, half_life: timedelta
) -> Evidence:
    us = spans(rule)
    seen = found.seen
    last = history.moments[seen - 1] if seen else None
    rhythm = found.rhythm
    if rhythm is None and seen:
        rhythm = history.rhythm(seen, rule.baseline_window, rule.gap_percentile)
    recent = history.weight_between(at_us - us.recent_window, at_us)
    silent_since = last if last is not None else history.began_us
    return Evidence(
        baseline_weekly=rhythm.usual_weekly if rhythm else 0.0,
        recent_weekly=recent / (rule.recent_window / WEEK),
        last_interaction_at=from_us(last) if last is not None else None,
        days_silent=max(at_us - silent_since, 0) // DAY_US,
        score=history.score(from_us(at_us), half_life),
        usual_gap_days=rhythm.usual_gap_days if rhythm else None,
        silence_limit_days=rule.silence_limit(rhythm) / timedelta(days=1) if rhythm else None,
        active_weeks=rhythm.active_weeks if rhythm else 0,
        stake=found.stake(at_us),
    )


def _reason(rule: StageRule, found: Verdict, evidence: Evidence) -> str:
    days = evidence.days_silent
    match found.stage:
        case Stage.INACTIVE if evidence.last_interaction_at is None:
            return f"no interaction in the {days} days since joining"
        case Stage.INACTIVE:
            return f"silent for {days} days"
        case Stage.NEW:
            return f"joined less than {rule.new_for.days} days ago"
        case Stage.OCCASIONAL:
            return (
                f"active in {evidence.active_weeks} weeks of the last year, fewer than the "
                f"{rule.min_active_weeks} that make a rhythm to judge them by"
            )
        case Stage.AT_RISK:
            return (
                f"silent for {days} days; they are usually back within "
                f"{evidence.usual_gap_days} days, and {evidence.silence_limit_days:.0f} "
                "silent days is unusual for them"
            )
        case Stage.RETURNING:
            assert found.returned_us is not None  # a returning verdict says when
            return f"came back on {from_us(found.returned_us).date()} after a quiet spell"
    return "active at their usual rhythm"
