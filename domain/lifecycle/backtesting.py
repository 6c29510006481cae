"""What a backtest of an at-risk rule scores: its dates, who is judged, and who stopped.

A backtest replays the community's history at each date with no look-ahead, judges the
members who were regularly active then, and labels those who really stopped (no interaction
within the horizon after the date). The limits keep the answer meaningful: every date's
outcome must already be known, and a few hundred dates are plenty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.errors import InvalidField
from domain.lifecycle.history import span_us, to_us
from domain.lifecycle.timeline import Timeline
from domain.moments import TimeBounds

DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)
MAX_EVERY = timedelta(days=365)
MAX_HORIZON = timedelta(weeks=104)
MAX_DATES = 520
# Regularly active at a date (CHAOSS-style): active in enough distinct weeks of the year
# before it, and not already gone quiet for a season.
ACTIVE_WEEKS = 6
YEAR = timedelta(days=365)
QUIET = timedelta(days=90)
YEAR_US, QUIET_US = span_us(YEAR), span_us(QUIET)


class InvalidBacktest(InvalidField):
    """A backtest parameter outside the range where its answer means something."""

    code = "INVALID_BACKTEST"
    field_code = "out_of_range"


class OutcomeNotYetKnown(InvalidBacktest):
    """The last date is too recent: whether members stopped after it is not known yet."""

    field_code = "outcome_not_known"


class TooManyDates(InvalidBacktest):
    """More dates than a backtest scores; evaluating less often says as much."""

    field_code = "too_many_dates"


def every_days(days: int) -> timedelta:
    """How often a backtest judges, from whole days; refused outside 1 to 365."""
    if not 1 <= days <= MAX_EVERY.days:
        raise InvalidBacktest("every_days", f"must be between 1 and {MAX_EVERY.days} days")
    return days * DAY


def horizon_weeks(weeks: int) -> timedelta:
    """How long a member must stay silent to count as stopped, from whole weeks; 1 to 104."""
    if not 1 <= weeks <= MAX_HORIZON // WEEK:
        raise InvalidBacktest("horizon_weeks", f"must be between 1 and {MAX_HORIZON // WEEK}")
    return weeks * WEEK


@dataclass(frozen=True)
class BacktestSchedule:
    """The dates a backtest scores: start, start + every, ... up to end; validated."""

    start: datetime
    end: datetime
    every: timedelta
    horizon: timedelta
    dates: tuple[datetime, ...]

    @classmethod
    def of(
        cls,
        start: datetime,
        end: datetime,
        *,
        every: timedelta,
        horizon: timedelta,
        now: datetime,
        bounds: TimeBounds,
    ) -> BacktestSchedule:
        """The schedule, or an InvalidBacktest (or MomentTooEarly) naming the first bad field."""
        for field, moment in (("from", start), ("to", end)):
            if moment.utcoffset() is None:
                raise InvalidBacktest(field, "must include a timezone offset")
        bounds.check("from", start, now)
        if end <= start:
            raise InvalidBacktest("to", "must be after from")
        if not DAY <= every <= MAX_EVERY:
            raise InvalidBacktest("every_days", f"must be between 1 and {MAX_EVERY.days} days")
        if not WEEK <= horizon <= MAX_HORIZON:
            raise InvalidBacktest("horizon_weeks", f"must be between 1 and {MAX_HORIZON // WEEK}")
        latest = (now - horizon).astimezone(UTC)
        if end > latest:
            raise OutcomeNotYetKnown(
                "to",
                f"must be at least the horizon ({horizon // WEEK} weeks) before now, so that"
                f" who stopped after it is known: at most {latest:%Y-%m-%d %H:%M} UTC",
            )
        count = (end - start) // every + 1
        if count > MAX_DATES:
            raise TooManyDates(
                "every_days",
                f"gives {count} dates from `from` to `to`, more than {MAX_DATES}: evaluate"
                " less often or over a shorter span",
            )
        return cls(start, end, every, horizon, tuple(start + n * every for n in range(count)))

    @property
    def dates_us(self) -> list[int]:
        """The dates in microseconds since the Unix epoch."""
        return [to_us(date) for date in self.dates]


def regularly_active(timeline: Timeline, at_us: int, seen: int) -> bool:
    """Whether the member is judged at the instant: a rhythm in the last year, not gone quiet."""
    last = timeline.last(seen)
    return (
        last is not None
        and at_us - last < QUIET_US
        and timeline.active_weeks(at_us, YEAR_US, seen) >= ACTIVE_WEEKS
    )


def stopped(timeline: Timeline, seen: int, at_us: int, horizon_us: int) -> bool:
    """The label: no interaction in (at, at + horizon]; the one question that looks ahead."""
    moments = timeline.moments
    return seen == len(moments) or moments[seen] > at_us + horizon_us
