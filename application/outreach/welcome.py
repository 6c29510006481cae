"""The welcome queue: newcomers nobody welcomed yet, and how long welcomes take."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from application.clock import utc_now
from domain.errors import InvalidField
from domain.outreach.welcome import WelcomePeriod, newcomer_since

# The longest spans asked for at once: two years of weeks, three years of months (the
# health dashboard's and report's longest window).
MAX_WEEKS = 106
MAX_MONTHS = 36


class WelcomeSource(Protocol):
    """The welcome read model (projections/outreach/welcome_queries.py)."""

    def queue(
        self, since: datetime, channel: str | None, first: int, after: str | None, reveal: bool
    ) -> Any:
        """Unwelcomed newcomers who showed up from `since` on, oldest first (a Page)."""

    def periods(
        self, start: datetime, end: datetime, unit: str, channel: str | None
    ) -> list[dict[str, Any]]:
        """Per week or month of showing up (`start`): newcomers, welcomed, median and p90
        seconds to welcome."""


class WelcomeQueue:
    """Newcomers of the last CRM_OUTREACH_WELCOME_DAYS days, oldest first."""

    def __init__(
        self, source: WelcomeSource, welcome_days: int, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.source = source
        self.welcome_days = welcome_days
        self.clock = clock

    def queue(self, channel: str | None, first: int, after: str | None, reveal: bool) -> Any:
        """A page of the queue (the newcomers' first words only for `reveal`)."""
        since = newcomer_since(self.clock(), self.welcome_days)
        return self.source.queue(since, channel, first, after, reveal)

    def weeks(self, start: date, end: date) -> list[dict[str, Any]]:
        """Time to welcome per week (Monday, UTC) of the span [start, end)."""
        return self.periods(start, end, WelcomePeriod.WEEK)

    def periods(
        self, start: date, end: date, period: WelcomePeriod, channel: str | None = None
    ) -> list[dict[str, Any]]:
        """Time to welcome per week (from Monday) or month (UTC) of the span [start, end),
        the first period whole; of the newcomers who showed up on `channel`, or on any."""
        if end <= start:
            raise InvalidField("to", "must be after from")
        first = period.start_of(start)
        if period is WelcomePeriod.WEEK and (end - start) > timedelta(weeks=MAX_WEEKS):
            raise InvalidField("to", f"the span must be at most {MAX_WEEKS} weeks")
        months = (end.year - first.year) * 12 + end.month - first.month + (end.day > 1)
        if period is WelcomePeriod.MONTH and months > MAX_MONTHS:
            raise InvalidField("to", f"the span must be at most {MAX_MONTHS} months")
        return self.source.periods(_instant(first), _instant(end), period.value, channel)


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
