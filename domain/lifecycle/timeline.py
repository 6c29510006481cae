"""A history's running sums: weights, scores and active weeks at any instant in constant time.

A backtest asks the same member the same questions at a hundred dates; running sums over
the history answer each with one bisection instead of a pass over every interaction. Like
History, every answer reads only the interactions at or before the instant asked about.
"""

from __future__ import annotations

import bisect
from datetime import timedelta

from domain.lifecycle.history import History, day_of, from_us, span_us, week_of_day

# Past this many half-lives between a member's first and last interaction the running
# decayed sum would overflow a float: such members' scores are summed at each instant.
MAX_HALVINGS = 1000.0


class Timeline:
    """Running sums over one member's history, for questions asked at many instants."""

    __slots__ = ("_decayed", "_half_life", "_weights", "_weeks", "anchor", "history", "moments")

    def __init__(self, history: History, half_life: timedelta) -> None:
        self.history = history
        self.moments = history.moments
        self._half_life = span_us(half_life)
        self.anchor = self.moments[0] if self.moments else 0
        weights, decayed, weeks = [0.0], [0.0], [0]
        previous = None
        for moment, weight in zip(self.moments, history.weights, strict=True):
            weights.append(weights[-1] + weight)
            week = week_of_day(day_of(moment))
            weeks.append(weeks[-1] + (week != previous))
            previous = week
        self._weights, self._weeks = weights, weeks
        span = (self.moments[-1] - self.anchor) / self._half_life if self.moments else 0.0
        self._decayed: list[float] | None = None
        if span <= MAX_HALVINGS:
            anchor, half_us = self.anchor, self._half_life
            for moment, weight in zip(self.moments, history.weights, strict=True):
                decayed.append(decayed[-1] + weight * 2.0 ** ((moment - anchor) / half_us))
            self._decayed = decayed

    def seen(self, at_us: int) -> int:
        """How many interactions happened at or before `at_us`."""
        return bisect.bisect_right(self.moments, at_us)

    def last(self, seen: int) -> int | None:
        """The last of the first `seen` interactions, or None when there is none."""
        return self.moments[seen - 1] if seen else None

    def weight_between(self, start_us: int, seen: int) -> float:
        """The weight of the first `seen` interactions that happened after `start_us`."""
        low = bisect.bisect_right(self.moments, start_us, 0, seen)
        return self._weights[seen] - self._weights[low] if seen > low else 0.0

    def active_weeks(self, at_us: int, window_us: int, seen: int) -> int:
        """Distinct Monday-based weeks with an interaction in (at - window, at]; seen at `at`."""
        low = bisect.bisect_right(self.moments, at_us - window_us, 0, seen)
        if seen <= low:
            return 0
        # Moments are sorted, so the weeks among [low, seen) are the first one plus each change.
        return self._weeks[seen] - self._weeks[low + 1] + 1

    def score(self, at_us: int, seen: int) -> float:
        """The engagement score at `at_us`: each weight halved every half-life since."""
        if self._decayed is None:
            return self.history.score(from_us(at_us), timedelta(microseconds=self._half_life))
        return self._decayed[seen] * float(2.0 ** ((self.anchor - at_us) / self._half_life))
