"""The community KPIs per period, computed from member facts: the reference definitions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from domain.health.facts import MemberFacts
from domain.health.periods import (
    Granularity,
    next_period,
    period_start,
    periods,
    previous_period,
)
from domain.health.rule import HealthRule

COUNTS = (
    "new",
    "active",
    "returning",
    "newly_inactive",
    "left",
    "total",
    "interactions",
    "one_off",
    "repeat",
    "absence_factor",
)


@dataclass(frozen=True)
class Figure:
    """A number of one period and its change from the period before."""

    value: int
    change: int
    relative: float | None  # change / previous value; None when the previous value is 0

    @classmethod
    def between(cls, value: int, previous: int) -> Figure:
        """The figure of `value`, compared with the previous period's `previous`."""
        change = value - previous
        return cls(value, change, change / previous if previous else None)


@dataclass(frozen=True)
class PeriodKpis:
    """The community numbers of the period [start, end), each with its change."""

    start: date
    end: date
    new: Figure  # first interaction ever in the period (not first in the span: Augur's pitfall)
    active: Figure  # at least one interaction in the period
    returning: Figure  # active again after at least N silent weeks
    newly_inactive: Figure  # last interaction in the period, now at least N weeks old
    left: Figure  # left the community in the period
    total: Figure  # members at the end of the period
    interactions: Figure
    one_off: Figure  # active with fewer interactions than the repeat threshold
    repeat: Figure  # active with at least the repeat threshold
    absence_factor: Figure  # fewest members making half of the period's interactions
    # Seconds from submission to first response of the period's feedback; None: none answered.
    first_response_median: float | None = None
    first_response_p90: float | None = None
    # Active members per engagement level (their lifecycle stage now; "" never evaluated).
    active_by_stage: tuple[tuple[str, Figure], ...] = ()


def community_kpis(
    facts: Iterable[MemberFacts],
    *,
    start: date,
    end: date,
    granularity: Granularity,
    rule: HealthRule,
    judged_at: datetime,
) -> list[PeriodKpis]:
    """The KPIs of every period the span [start, end) touches, judged at `judged_at`."""
    members = list(facts)
    starts = periods(start, end, granularity)
    counts = _Counts(members, granularity, rule, judged_at)
    previous = counts.of(previous_period(granularity, starts[0]))
    result = []
    for first_day in starts:
        current = counts.of(first_day)
        figures = {n: Figure.between(current[n], previous[n]) for n in COUNTS}
        end_day = counts.end_of(first_day)
        result.append(PeriodKpis(start=first_day, end=end_day, **cast(dict[str, Any], figures)))
        previous = current
    return result


def absence_factor(interactions: Iterable[int]) -> int:
    """Fewest members whose interactions make at least half of the total (CHAOSS)."""
    ordered = sorted((n for n in interactions if n > 0), reverse=True)
    total, running = sum(ordered), 0
    for members, count in enumerate(ordered, start=1):
        running += count
        if 2 * running >= total:
            return members
    return 0


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


class _Counts:
    """Each member's activity grouped by period once, then counted period by period."""

    def __init__(
        self,
        members: list[MemberFacts],
        granularity: Granularity,
        rule: HealthRule,
        judged_at: datetime,
    ) -> None:
        self.members, self.granularity, self.rule = members, granularity, rule
        self.judged_at = judged_at
        self.per_period: list[dict[date, int]] = []
        self.returned: list[set[date]] = []
        silence = 7 * rule.inactive_weeks
        for member in members:
            grouped: dict[date, int] = defaultdict(int)
            for day, n in member.daily.items():
                grouped[period_start(granularity, day)] += n
            self.per_period.append(grouped)
            days = sorted(d for d, n in member.daily.items() if n > 0)
            # Returning: an active day after at least N whole weeks without an interaction.
            self.returned.append(
                {
                    period_start(granularity, day)
                    for before, day in zip(days, days[1:], strict=False)
                    if (day - before).days - 1 >= silence
                }
            )

    def end_of(self, first_day: date) -> date:
        """The first day after the period starting on `first_day`."""
        return next_period(self.granularity, first_day)

    def of(self, first_day: date) -> dict[str, int]:
        """Every count of the period starting on `first_day`."""
        last_day = self.end_of(first_day)
        within = _within(first_day, last_day)
        active = [g[first_day] for g in self.per_period if g.get(first_day, 0) > 0]
        repeat = sum(1 for n in active if n >= self.rule.repeat_threshold)
        return {
            "new": sum(1 for m in self.members if within(m.first_interaction)),
            "active": len(active),
            "returning": sum(1 for r in self.returned if first_day in r),
            "newly_inactive": sum(1 for m in self.members if self._newly_inactive(m, within)),
            "left": sum(1 for m in self.members if any(within(s.left) for s in m.spells)),
            "total": sum(1 for m in self.members if m.member_until(_instant(last_day))),
            "interactions": sum(active),
            "one_off": len(active) - repeat,
            "repeat": repeat,
            "absence_factor": absence_factor(active),
        }

    def _newly_inactive(
        self, member: MemberFacts, within: Callable[[datetime | None], bool]
    ) -> bool:
        # CHAOSS: counted in the period of the last interaction, once it is N weeks old.
        last = member.last_interaction
        silence = timedelta(weeks=self.rule.inactive_weeks)
        return last is not None and within(last) and self.judged_at - last >= silence


def _within(first_day: date, last_day: date) -> Callable[[datetime | None], bool]:
    """Whether an instant falls in [first_day, last_day), in UTC."""
    low, high = _instant(first_day), _instant(last_day)
    return lambda instant: instant is not None and low <= instant < high
