"""What a spike's causes are read from: its day's evidence beside the trailing days' usual level."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from domain.health.causes import CommunityEvent, Usage


@dataclass(frozen=True)
class SpikeDays:
    """The spike days whose causes are read together: each beside its trailing `window` days,
    on a channel ("": all), as known at the end of `as_of` (None: now)."""

    days: tuple[date, ...]
    window: int
    channel: str
    as_of: date | None


@dataclass
class Evidence:
    """What one spike day carried beside its trailing window's mean per day."""

    channels: list[Usage] = field(default_factory=list)
    threads: list[Usage] = field(default_factory=list)
    newcomers: list[Usage] = field(default_factory=list)  # per source channel
    feedback: list[Usage] = field(default_factory=list)  # supporters gained per item id
    events: list[CommunityEvent] = field(default_factory=list)


@dataclass(frozen=True)
class SpikeNote:
    """A manager's annotation of a day's activity, as the read model holds it."""

    annotation_id: UUID
    day: date
    channel: str
    cause: str
    by: UUID | None
    at: datetime
