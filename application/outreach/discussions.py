"""topDiscussions: the threads that drew the most interest in a period."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from domain.outreach.discussions import Discussion, DiscussionPeriod


class DiscussionSources(Protocol):
    """The `discussions` read model: per-thread, per-day rollups of interactions."""

    def top(self, period: DiscussionPeriod, reveal: bool) -> list[Discussion]:
        """The period's threads by participants, then replies, then reactions (staff and
        bots left out), at most `period.first`; summaries opened only with `reveal`."""
        ...


class TopDiscussions:
    """Checks the question, then reads the ranking from the rollups."""

    def __init__(self, sources: DiscussionSources) -> None:
        self.sources = sources

    def top(
        self,
        start: date,
        end: date,
        channel: str | None,
        first: int,
        *,
        reveal: bool,
        as_of: date | None = None,
    ) -> list[Discussion]:
        """The top threads of the days [start, end), as known at the end of `as_of` (None:
        now); InvalidField names a bad argument."""
        period = DiscussionPeriod.checked(start, end, channel, first, as_of)
        return self.sources.top(period, reveal)
