"""One member's counted interactions: everything a stage rule may know of them, and no more.

Moments are whole microseconds since the Unix epoch, so instants computed from them (a
silence crossing its limit) are exact and compare exactly with the instants judged. Every
question takes the instant it is asked at and reads only the interactions at or before it.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from uuid import UUID

UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
DAY_US = 86_400_000_000
# 1970-01-01 was a Thursday: (day + 3) // 7 numbers the weeks starting on Monday.
THURSDAY_TO_MONDAY = 3


def to_us(moment: datetime) -> int:
    """An aware instant as whole microseconds since the Unix epoch."""
    return (moment - UNIX_EPOCH) // MICROSECOND


def from_us(us: int) -> datetime:
    """The instant `us` microseconds after the Unix epoch, in UTC."""
    return UNIX_EPOCH + timedelta(microseconds=us)


def span_us(span: timedelta) -> int:
    """A duration in whole microseconds."""
    return span // MICROSECOND


def day_of(us: int) -> int:
    """The UTC day number of an instant."""
    return us // DAY_US


def week_of_day(day: int) -> int:
    """The number of the Monday-based week holding a day."""
    return (day + THURSDAY_TO_MONDAY) // 7


@dataclass(frozen=True)
class Rhythm:
    """A member's rhythm over the baseline window that ends at one of their interactions."""

    active_days: int
    active_weeks: int
    usual_gap_days: int | None  # between active weeks, in days; None with one active week
    usual_weekly: float  # the weight of a typical active week times the share of weeks active


@dataclass(frozen=True)
class History:
    """One counted member's weighted interactions, oldest first."""

    member_id: UUID
    joined_at: datetime
    moments: tuple[int, ...]  # microseconds since the Unix epoch, ascending
    weights: tuple[float, ...]  # the engagement rule's weight of each, all above zero
    _rhythms: dict[tuple[int, int, float], Rhythm] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def of(
        cls, member_id: UUID, joined_at: datetime, interactions: Iterable[tuple[datetime, float]]
    ) -> History:
        """A history from (occurred_at, weight) pairs in any order; weightless ones are dropped."""
        kept = sorted((to_us(moment), weight) for moment, weight in interactions if weight > 0)
        return cls(
            member_id,
            joined_at,
            tuple(moment for moment, _ in kept),
            tuple(weight for _, weight in kept),
        )

    @cached_property
    def began_us(self) -> int:
        """When the member's life in the community began: joining, or an earlier interaction."""
        joined = to_us(self.joined_at)
        return min(joined, self.moments[0]) if self.moments else joined

    def seen(self, at: datetime) -> int:
        """How many interactions happened at or before `at`."""
        return bisect.bisect_right(self.moments, to_us(at))

    def seen_us(self, at_us: int) -> int:
        """How many interactions happened at or before `at_us`."""
        return bisect.bisect_right(self.moments, at_us)

    def last_before(self, at: datetime) -> datetime | None:
        """The last interaction at or before `at`."""
        seen = self.seen(at)
        return from_us(self.moments[seen - 1]) if seen else None

    def any_between(self, start: datetime, end: datetime) -> bool:
        """Whether an interaction happened in (start, end]."""
        return self.seen(end) > self.seen(start)

    def weight_between(self, start_us: int, end_us: int) -> float:
        """The weight of the interactions in (start_us, end_us]."""
        low = bisect.bisect_right(self.moments, start_us)
        high = bisect.bisect_right(self.moments, end_us)
        return sum(self.weights[low:high])

    def active_weeks(self, at: datetime, window: timedelta) -> int:
        """Distinct Monday-based weeks with an interaction in (at - window, at]."""
        end = to_us(at)
        low = bisect.bisect_right(self.moments, end - span_us(window))
        high = bisect.bisect_right(self.moments, end)
        return len({week_of_day(day_of(m)) for m in self.moments[low:high]})

    def score(self, at: datetime, half_life: timedelta) -> float:
        """The engagement score at `at`: each weight halved every half-life since it happened."""
        end = to_us(at)
        half = span_us(half_life)
        seen = bisect.bisect_right(self.moments, end)
        return math.fsum(
            w * 2.0 ** (-(end - m) / half)
            for m, w in zip(self.moments[:seen], self.weights[:seen], strict=True)
        )

    def rhythm(self, seen: int, window: timedelta, percentile: float) -> Rhythm:
        """The rhythm over `window` up to the `seen`-th interaction (which must exist)."""
        key = (seen, span_us(window), percentile)
        if (known := self._rhythms.get(key)) is None:
            known = self._rhythms[key] = self._measure(seen, span_us(window), percentile)
        return known

    def _measure(self, seen: int, window: int, percentile: float) -> Rhythm:
        last = self.moments[seen - 1]
        first = bisect.bisect_right(self.moments, last - window, 0, seen)
        days, previous = 0, -1
        weeks: dict[int, float] = {}
        for moment, weight in zip(self.moments[first:seen], self.weights[first:seen], strict=True):
            day = day_of(moment)
            days, previous = days + (day != previous), day
            week = week_of_day(day)
            weeks[week] = weeks.get(week, 0.0) + weight
        # Gaps between active weeks, not days: a release burst is one active week, so its
        # many one-day gaps do not make the member's usual gap look short.
        numbers = list(weeks)
        gaps = sorted(7 * (b - a) for a, b in zip(numbers, numbers[1:], strict=False))
        window_weeks = window / (7 * DAY_US)
        return Rhythm(
            active_days=days,
            active_weeks=len(weeks),
            usual_gap_days=_nearest_rank(gaps, percentile) if gaps else None,
            usual_weekly=_median(sorted(weeks.values())) * len(weeks) / window_weeks,
        )


def _nearest_rank(ordered: list[int], percentile: float) -> int:
    """The nearest-rank percentile of a sorted, non-empty list."""
    rank = math.ceil(percentile * len(ordered) - 1e-9)  # the tolerance absorbs float error
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def _median(ordered: list[float]) -> float:
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
