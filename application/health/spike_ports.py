"""What the activity spikes read: the daily series, what each spike's day carried, annotations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from domain.health.windows import Evidence, SpikeDays, SpikeNote


class SpikeSources(Protocol):
    """The health read models a spike is found and explained from; staff and bots left out,
    interactions recorded after `as_of` too."""

    def daily(
        self, start: date, end: date, channel: str, as_of: date | None = None
    ) -> list[tuple[date, int]]:
        """Interactions per day in [start, end), every day present (0 when quiet)."""

    def evidence(self, spikes: SpikeDays, limit: int) -> dict[date, Evidence]:
        """Each spike day's evidence, read for all days at once: at most `limit` threads
        and feedback items per day, those furthest above their usual level first."""

    def annotations(self, start: date, end: date, channel: str) -> Sequence[SpikeNote]:
        """Annotations of days in [start, end) on the channel, oldest first."""
