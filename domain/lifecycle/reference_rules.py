"""The simple at-risk rules a backtest measures a stage rule against, as peers define them.

Each is a pure function of a member's history at an instant: whether it flags them, and
how it ranks them among those it flags. Backtests score them on the same dates and the
same members as the stage rule, so a community sees whether its rule beats the simple ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.lifecycle.history import DAY_US
from domain.lifecycle.timeline import Timeline


class ReferenceRule(Protocol):
    """An at-risk rule judged at an instant from a member's timeline (`seen` at that instant)."""

    @property
    def name(self) -> str:
        """A short name, as reports show it."""
        ...

    @property
    def description(self) -> str:
        """What the rule flags, in words."""
        ...

    @property
    def top_share(self) -> float | None:
        """Flag only members whose rank is in this top share of everyone judged at the instant."""
        ...

    def flags(self, timeline: Timeline, at_us: int, seen: int) -> bool:
        """Whether the rule's own condition holds for the member at the instant."""
        ...

    def rank(self, timeline: Timeline, at_us: int, seen: int) -> float:
        """How high the member stands in the rule's list at the instant (higher first)."""
        ...


@dataclass(frozen=True)
class SilentFor:
    """ "No activity for N days": the simplest rule, and on real histories the one to beat."""

    days: int = 28
    top_share: float | None = None
    longest_first: bool = False  # rank by the silence, not by the engagement score

    @property
    def name(self) -> str:
        """E.g. "silent 28 days", "silent 28 days, longest first"."""
        return f"silent {self.days} days" + (", longest first" if self.longest_first else "")

    @property
    def description(self) -> str:
        """What the rule flags."""
        ranked = "the longest silence" if self.longest_first else "engagement score"
        return f"no interaction in the last {self.days} days; ranked by {ranked}"

    def flags(self, timeline: Timeline, at_us: int, seen: int) -> bool:
        """Silent for at least `days` days at the instant."""
        last = timeline.last(seen)
        return last is not None and at_us - last >= self.days * DAY_US

    def rank(self, timeline: Timeline, at_us: int, seen: int) -> float:
        """The engagement score at the instant, or the silence for `longest_first`."""
        if self.longest_first:
            last = timeline.last(seen)
            return float(at_us - last) if last is not None else 0.0
        return timeline.score(at_us, seen)


@dataclass(frozen=True)
class OrbitDrift:
    """Orbit-style drift: the last 4 weeks under half of the prior 12 weeks' 4-week average.

    Orbit publishes no formula ("presence is low if activity has been decreasing"); this is
    the usual reading of it, in weighted activity.
    """

    recent_days: int = 28
    prior_days: int = 84
    fraction: float = 0.5
    top_share: float | None = None

    @property
    def name(self) -> str:
        """The rule's name in reports."""
        return "Orbit-style drift"

    @property
    def description(self) -> str:
        """What the rule flags."""
        return (
            f"weighted activity in the last {self.recent_days} days under {self.fraction:g} of"
            f" the average {self.recent_days} days of the {self.prior_days} before;"
            " ranked by that earlier activity"
        )

    def flags(self, timeline: Timeline, at_us: int, seen: int) -> bool:
        """Recent activity fell under the fraction of the prior average."""
        recent_start = at_us - self.recent_days * DAY_US
        recent = timeline.weight_between(recent_start, seen)
        prior = self.rank(timeline, at_us, seen)
        return recent < self.fraction * prior * self.recent_days / self.prior_days

    def rank(self, timeline: Timeline, at_us: int, seen: int) -> float:
        """The weighted activity of the prior window (what the drift is measured against)."""
        recent_start = at_us - self.recent_days * DAY_US
        prior_start = recent_start - self.prior_days * DAY_US
        return timeline.weight_between(prior_start, seen) - timeline.weight_between(
            recent_start, seen
        )


@dataclass(frozen=True)
class CrowdSlipping:
    """crowd.dev-style "slipping away": a highly engaged member silent for a month.

    crowd.dev's "fan or ultra" are the top levels of a k-means of scores over the community,
    relative to it; a share of the members judged at the instant keeps that relativity
    without depending on the scale of the engagement weights, which a fixed score would.
    """

    silent_days: int = 30
    top_share: float | None = 0.2

    @property
    def name(self) -> str:
        """The rule's name in reports."""
        return "crowd.dev-style slipping"

    @property
    def description(self) -> str:
        """What the rule flags."""
        share = f"{self.top_share:.0%}" if self.top_share is not None else "all"
        return (
            f"engagement score in the top {share} of the members judged, and silent for at"
            f" least {self.silent_days} days; ranked by score"
        )

    def flags(self, timeline: Timeline, at_us: int, seen: int) -> bool:
        """Silent for at least `silent_days` days (the top share is checked across members)."""
        last = timeline.last(seen)
        return last is not None and at_us - last >= self.silent_days * DAY_US

    def rank(self, timeline: Timeline, at_us: int, seen: int) -> float:
        """The engagement score at the instant."""
        return timeline.score(at_us, seen)


# Silent N days twice: ranked as community tools rank (by score), and longest silence first,
# the stronger ranking on the known-behaviour community (BENCHMARKS.md).
REFERENCE_RULES: tuple[ReferenceRule, ...] = (
    SilentFor(),
    SilentFor(longest_first=True),
    OrbitDrift(),
    CrowdSlipping(),
)
