"""Backtesting: how well an at-risk rule foretold who stopped, on the community's own history.

Answers `backtestAtRiskRule` and `crm backtest`. Each counted member's history is read once,
for the whole span, and judged at every date from what they had done by then (no look-ahead);
the reference rules are judged on the same dates and members. Nothing is recorded.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.clock import Clock, utc_now
from application.lifecycle.ports import MemberHistories
from application.lifecycle.scoring import Flags, Outcomes, RuleScore
from domain.interactions.engagement import EngagementRule
from domain.lifecycle.backtesting import (
    QUIET_US,
    YEAR,
    BacktestSchedule,
    regularly_active,
    stopped,
)
from domain.lifecycle.history import History, span_us
from domain.lifecycle.reference_rules import REFERENCE_RULES, ReferenceRule
from domain.lifecycle.rule import StageRule
from domain.lifecycle.stages import Stage, verdict
from domain.lifecycle.timeline import Timeline
from domain.moments import TimeBounds

PAGE = 2_000
DEFAULT_EVERY = timedelta(weeks=1)
DEFAULT_HORIZON = timedelta(weeks=26)


@dataclass(frozen=True)
class BacktestReport:
    """A rule's scores against who really stopped, beside the reference rules' on the same dates."""

    schedule: BacktestSchedule
    members: int  # counted members read
    judged: int  # member-dates judged (regularly active at the date), summed over the dates
    stopped: int  # of those, the members who then stopped
    rule: RuleScore
    references: tuple[RuleScore, ...]


class Backtest:
    """Replays the community's history to score an at-risk rule; records nothing."""

    def __init__(
        self,
        histories: MemberHistories,
        *,
        rule: StageRule,
        engagement: EngagementRule,
        bounds: TimeBounds,
        clock: Clock = utc_now,
        references: Sequence[ReferenceRule] = REFERENCE_RULES,
    ) -> None:
        self.histories = histories
        self.rule = rule
        self.engagement = engagement
        self.bounds = bounds
        self.clock = clock
        self.references = references

    def run(
        self,
        rule: StageRule | None,
        start: datetime,
        end: datetime,
        *,
        every: timedelta = DEFAULT_EVERY,
        horizon: timedelta = DEFAULT_HORIZON,
        progress: Callable[[int], None] | None = None,
    ) -> BacktestReport:
        """Score `rule` (the configured one by default) at start, start + every, ... <= end.

        InvalidBacktest (or MomentTooEarly) names the first field out of range.
        """
        schedule = BacktestSchedule.of(
            start, end, every=every, horizon=horizon, now=self.clock(), bounds=self.bounds
        )
        judged = rule or self.rule
        replay = Replay(schedule, judged, self.references, self.engagement.half_life)
        # The rule reads a year of rhythm before a last interaction up to its inactive
        # silence before the date; being regularly active reads the year before the date.
        since = start - max(YEAR, judged.silent_inactive + judged.baseline_window)
        after = UUID(int=0)
        while page := self.histories.histories(
            self.engagement, since=since, until=end + horizon, after=after, limit=PAGE
        ):
            for history in page:
                replay.member(history)
            after = page[-1].member_id
            if progress:
                progress(len(page))
        return replay.report()


class Replay:
    """One backtest's replay, fed member by member in id order."""

    def __init__(
        self,
        schedule: BacktestSchedule,
        rule: StageRule,
        references: Sequence[ReferenceRule],
        half_life: timedelta,
    ) -> None:
        self.schedule, self.rule, self.references = schedule, rule, references
        self.half_life = half_life
        self.dates_us = schedule.dates_us
        self.horizon_us = span_us(schedule.horizon)
        self.min_silence = span_us(rule.min_silence)
        self.outcomes = Outcomes(self.dates_us)
        count = len(self.dates_us)
        self.flags = Flags(rule.version, _describe(rule), count, None)
        self.reference_flags = [
            Flags(ref.name, ref.description, count, ref.top_share) for ref in references
        ]
        self.members = 0

    def member(self, history: History) -> None:
        """Judge one member at every date where they were regularly active."""
        ordinal, self.members = self.members, self.members + 1
        moments, dates = history.moments, self.dates_us
        if not moments:
            return
        timeline = Timeline(history, self.half_life)
        judged = []
        # Regularly active needs an interaction in the 90 days before the date.
        first = bisect.bisect_left(dates, moments[0])
        for date in range(first, bisect.bisect_left(dates, moments[-1] + QUIET_US)):
            at = dates[date]
            seen = bisect.bisect_right(moments, at)
            if not regularly_active(timeline, at, seen):
                continue
            judged.append(date)
            gone = stopped(timeline, seen, at, self.horizon_us)
            self.outcomes.judge(date, gone)
            # The rule's silence limit is never under min_silence: a shorter silence is never
            # at risk, and most dates of a regular member are, so the rule is not asked.
            if at - moments[seen - 1] >= self.min_silence:
                found = verdict(self.rule, history, at)
                if found.stage is Stage.AT_RISK:
                    self.flags.flag(ordinal, date, found.stake(at), gone)
            for flags, ref in zip(self.reference_flags, self.references, strict=True):
                if ref.top_share is not None:
                    flags.stand(date, ref.rank(timeline, at, seen))
                if ref.flags(timeline, at, seen):
                    flags.flag(ordinal, date, ref.rank(timeline, at, seen), gone)
        if judged:
            self._stops(ordinal, moments, judged)

    def _stops(self, ordinal: int, moments: Sequence[int], judged: list[int]) -> None:
        """Each stop (a last interaction, then the horizon in silence) judged after it."""
        dates = self.dates_us
        low = bisect.bisect_right(moments, dates[judged[0]] - QUIET_US)
        for index in range(low, bisect.bisect_right(moments, dates[judged[-1]])):
            last = moments[index]
            after = moments[index + 1] if index + 1 < len(moments) else None
            if after is not None and after - last <= self.horizon_us:
                continue
            until = last + QUIET_US if after is None else min(last + QUIET_US, after)
            first, end = bisect.bisect_left(dates, last), bisect.bisect_left(dates, until)
            # Only a stop the member was judged at (regularly active then) can be caught.
            if bisect.bisect_left(judged, first) < bisect.bisect_left(judged, end):
                self.outcomes.stop(ordinal, last, first, end)

    def report(self) -> BacktestReport:
        """The scores of the rule and of each reference rule."""
        return BacktestReport(
            schedule=self.schedule,
            members=self.members,
            judged=sum(self.outcomes.judged),
            stopped=sum(self.outcomes.positives),
            rule=self.flags.score(self.outcomes),
            references=tuple(flags.score(self.outcomes) for flags in self.reference_flags),
        )


def _describe(rule: StageRule) -> str:
    return (
        f"the stage rule {rule.version}: at risk when silent for longer than their usual gap"
        f" times {rule.gap_factor:g} (between {rule.min_silence.days} and"
        f" {rule.max_silence.days} days); ranked by stake"
    )
