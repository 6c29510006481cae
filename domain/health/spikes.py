"""Activity spikes: periods standing out from a robust band over a trailing window."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median

from domain.health.rule import InvalidHealthRule

# Scales the median absolute deviation to the standard deviation of normal data.
MAD_SCALE = 1.4826
MAX_WINDOW = 520
MAX_K = 100.0


@dataclass(frozen=True)
class SpikeRule:
    """How far above the usual level a period must be to stand out; versioned and validated."""

    version: str = "spikes-2026-12"
    k: float = 3.0  # band width in scaled MADs
    window: int = 8  # trailing periods forming the usual level
    min_history: int = 4  # fewer trailing periods than this: too early to judge
    # A flat history has a zero MAD: the band is then at least this many interactions,
    # and at least this share of the level, so a quiet community's +1 is no spike.
    min_band: float = 3.0
    min_band_share: float = 0.25

    def __post_init__(self) -> None:
        """Refuse a rule whose parameters make no sense, naming the first bad one."""
        if not 1 <= len(self.version) <= 100:
            raise InvalidHealthRule("version", "must be 1 to 100 characters")
        if not (math.isfinite(self.k) and 0 < self.k <= MAX_K):
            raise InvalidHealthRule("k", f"must be more than 0 and at most {MAX_K:g}")
        if not 3 <= self.window <= MAX_WINDOW:
            raise InvalidHealthRule("window", f"must be between 3 and {MAX_WINDOW}")
        if not 3 <= self.min_history <= self.window:
            raise InvalidHealthRule("min_history", "must be between 3 and the window")
        if not (math.isfinite(self.min_band) and self.min_band >= 0):
            raise InvalidHealthRule("min_band", "must be 0 or more")
        if not (math.isfinite(self.min_band_share) and 0 <= self.min_band_share <= 10):
            raise InvalidHealthRule("min_band_share", "must be between 0 and 10")


@dataclass(frozen=True)
class Spike:
    """A period whose activity exceeded level + band; excess is what it had above the level."""

    start: date
    activity: float
    level: float  # median of the trailing window
    band: float  # how far above the level counts as usual
    excess: float  # activity - level: what the likely causes account for


def band(history: Sequence[float], rule: SpikeRule) -> tuple[float, float]:
    """The usual level of a history (its median) and the band above it."""
    level = median(history)
    mad = MAD_SCALE * median(abs(x - level) for x in history)
    return level, max(rule.k * mad, rule.min_band, rule.min_band_share * level)


def spikes(series: Sequence[tuple[date, float]], rule: SpikeRule) -> list[Spike]:
    """The periods of a series (oldest first) standing out from their trailing window."""
    found = []
    for index in range(rule.min_history, len(series)):
        history = [value for _, value in series[max(0, index - rule.window) : index]]
        level, width = band(history, rule)
        start, activity = series[index]
        if activity > level + width:
            found.append(Spike(start, activity, level, width, activity - level))
    return found
