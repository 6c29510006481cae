"""Discussions that draw interest: which threads members took part in over a period.

A thread is a channel's thread_ref. Its interest in a period is counted from the members'
interactions in it on the period's UTC days; staff and bots are left out of every count
(their activity is not interest drawn), as they are flagged when the question is asked.

- participants: distinct members who contributed or reacted in the thread;
- replies: contributions (every kind but reactions) other than the thread's first message;
- reactions: reactions given (a reaction received is the same reaction seen from the
  author's side, so it is not counted twice, nor as taking part).

The staff response time is that of the thread, not of the period: from the first member's
contribution to the first staff contribution after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from domain.errors import InvalidField

EARLIEST_DAY = date(1990, 1, 1)
LATEST_DAY = date(2999, 12, 31)
MAX_DAYS = 3 * 366  # a longer span is refused: its rows are read at once
MAX_FIRST = 100


@dataclass(frozen=True)
class DiscussionPeriod:
    """The question asked: days [start, end) (UTC), one channel or all, the top `first`,
    as known at the end of the UTC day `as_of` (None: as known now)."""

    start: date
    end: date
    channel: str | None
    first: int
    as_of: date | None = None

    @classmethod
    def checked(
        cls, start: date, end: date, channel: str | None, first: int, as_of: date | None = None
    ) -> DiscussionPeriod:
        """The period, or InvalidField naming the argument at fault."""
        for field, day in (("from", start), ("to", end), ("as_of", as_of)):
            if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
                raise InvalidField(field, f"must be between {EARLIEST_DAY} and {LATEST_DAY}")
        if end <= start:
            raise InvalidField("to", "must be after from")
        if (end - start).days > MAX_DAYS:
            raise InvalidField("to", f"must be at most {MAX_DAYS} days after from")
        if not 1 <= first <= MAX_FIRST:
            raise InvalidField("first", f"must be between 1 and {MAX_FIRST}")
        return cls(start, end, channel or None, first, as_of)


@dataclass(frozen=True)
class Discussion:
    """A thread and the interest it drew in the period (staff and bots left out)."""

    thread_id: UUID
    channel: str
    thread_ref: str
    participants: int
    replies: int
    reactions: int
    # The thread's first message (any author); None while only reactions are known.
    first_message_at: datetime | None
    first_interaction_id: UUID | None
    # Opened only for roles that may see personal data; None once its author is erased, and
    # as of a past day when the first message then known is no longer the first.
    summary: str | None
    # The first staff contribution after the first member's; None when none yet.
    first_member_message_at: datetime | None
    first_staff_response_at: datetime | None

    @property
    def staff_response_time(self) -> timedelta | None:
        """How long the first member waited for staff; None when staff has not answered."""
        if self.first_member_message_at is None or self.first_staff_response_at is None:
            return None
        return self.first_staff_response_at - self.first_member_message_at
