"""What a spike's causes are read over: its day beside the trailing days of its usual level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID


@dataclass(frozen=True)
class SpikeWindow:
    """A spike's day beside the trailing days forming its usual level, on a channel ("": all)."""

    day: date
    since: date  # the first trailing day; the window is [since, day)
    channel: str

    @property
    def days(self) -> int:
        """How many trailing days the usual levels are averaged over."""
        return max(1, (self.day - self.since).days)


@dataclass(frozen=True)
class SpikeNote:
    """A manager's annotation of a day's activity, as the read model holds it."""

    annotation_id: UUID
    day: date
    channel: str
    cause: str
    by: UUID | None
    at: datetime
