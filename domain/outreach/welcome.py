"""Who is a newcomer to welcome, and what counts as having been welcomed.

- A member shows up at the later of joining and their first interaction: they are a
  newcomer while that instant is within the last N days (CRM_OUTREACH_WELCOME_DAYS), i.e.
  while they joined or first interacted in that window. Where they showed up: the channel
  of their first interaction, else the channel they joined on.
- They are welcomed by the first WELCOME outreach to them, or by a staff member's
  interaction in the thread of their first message, after it (reactions do not count: a
  reply does). Replies in their later threads do not count: the first message is where
  they showed up, and the one a welcome answers.
- Staff, bots and members who left or were erased are never in the queue.
- A reaction received is something others did: it is not a first interaction.

Time to welcome: from showing up to the welcome (zero when the welcome came first, e.g. a
WELCOME outreach sent on joining before a first message).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum


class WelcomePeriod(StrEnum):
    """The periods time to welcome is counted in: UTC weeks from Monday, or UTC months.
    The value is PostgreSQL's date_trunc field."""

    WEEK = "week"
    MONTH = "month"

    def start_of(self, day: date) -> date:
        """The first day of the period holding `day`."""
        if self is WelcomePeriod.WEEK:
            return day - timedelta(days=day.weekday())
        return day.replace(day=1)


_NOT_SAID = frozenset({"reaction_received"})
_NOT_REPLIES = frozenset({"reaction_given", "reaction_received"})


def counts_as_first_interaction(kind: str) -> bool:
    """Whether an interaction of this kind is something the member did themselves."""
    return kind not in _NOT_SAID


def counts_as_staff_reply(kind: str) -> bool:
    """Whether a staff member's interaction of this kind in a thread answers it."""
    return kind not in _NOT_REPLIES


def newcomer_since(now: datetime, welcome_days: int) -> datetime:
    """The earliest showing-up instant of a newcomer now."""
    return now - timedelta(days=welcome_days)
