"""What an event's attendance says: turnout, no-shows, first-timers and newcomers kept.

Hosts are not the audience: they are left out of every figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# A newcomer is a member whose first interaction ever was at most this long before the
# event started (their first event may be that first interaction).
NEWCOMER_WINDOW = timedelta(weeks=4)
# A newcomer who came is still active when they interacted in the four weeks up to eight
# weeks after the start: beyond the event's own afterglow.
RETENTION_AFTER = timedelta(weeks=8)
ACTIVE_WINDOW = timedelta(weeks=4)


@dataclass(frozen=True)
class AttendanceCounts:
    """Members counted from the read model for one event (hosts left out)."""

    registered: int  # registered, walk-ins included (a check-in registers too)
    attended: int  # checked in
    first_timers: int  # checked in, and never checked in to an earlier event
    newcomers: int  # checked in, first interaction within NEWCOMER_WINDOW before the start
    retained: int  # newcomers active in the ACTIVE_WINDOW ending RETENTION_AFTER the start


@dataclass(frozen=True)
class EventFigures:
    """The figures of one event as of `now`; None where it is too early to say."""

    registered: int
    attended: int
    no_show_rate: float | None  # registered who did not come / registered, once it ended
    first_timers: int
    newcomers: int
    retained_newcomers: int | None  # None until RETENTION_AFTER has passed


def event_figures(
    counts: AttendanceCounts, *, starts_at: datetime, ends_at: datetime, now: datetime
) -> EventFigures:
    """The figures the counts give as of `now`."""
    ended = ends_at <= now
    no_show = None
    if ended and counts.registered:
        no_show = (counts.registered - counts.attended) / counts.registered
    retention_known = starts_at + RETENTION_AFTER <= now
    return EventFigures(
        registered=counts.registered,
        attended=counts.attended,
        no_show_rate=no_show,
        first_timers=counts.first_timers,
        newcomers=counts.newcomers,
        retained_newcomers=counts.retained if retention_known else None,
    )
