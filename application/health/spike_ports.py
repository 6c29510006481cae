"""What the activity spikes read: the daily series, what each day carried, annotations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from domain.health import CommunityEvent, Usage
from domain.health.windows import SpikeNote, SpikeWindow


class SpikeSources(Protocol):
    """The health read models a spike is found and explained from; staff and bots left out.

    Each Usage compares a day with the trailing window's mean per day.
    """

    def daily(self, start: date, end: date, channel: str) -> list[tuple[date, int]]:
        """Interactions per day in [start, end), every day present (0 when quiet)."""

    def channels(self, window: SpikeWindow) -> Sequence[Usage]:
        """Interactions per channel."""

    def threads(self, window: SpikeWindow, limit: int) -> Sequence[Usage]:
        """Interactions per thread, those furthest above their usual level first."""

    def newcomers(self, window: SpikeWindow) -> Sequence[Usage]:
        """Members whose first interaction ever is on the day, per source channel."""

    def feedback(self, window: SpikeWindow, limit: int) -> Sequence[Usage]:
        """Supporters gained per feedback item (named by its id)."""

    def events(self, window: SpikeWindow) -> Sequence[CommunityEvent]:
        """Community events (hosted, attended, talks) held on the day."""

    def annotations(self, start: date, end: date, channel: str) -> Sequence[SpikeNote]:
        """Annotations of days in [start, end) on the channel, oldest first."""
