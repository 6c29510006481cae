"""The periods KPIs are counted in: UTC days, weeks starting on Monday, calendar months."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from domain.errors import InvalidField


class Granularity(StrEnum):
    """How long one period of a KPI series is."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


# About ten years at each granularity: a longer series is no report anyone reads, and its
# cost grows with the number of periods.
MAX_PERIODS = {Granularity.DAY: 3660, Granularity.WEEK: 520, Granularity.MONTH: 120}


def utc_day(instant: date) -> date:
    """The UTC calendar day of an aware datetime, or the date itself."""
    if isinstance(instant, datetime):
        if instant.tzinfo is None:
            raise ValueError("a naive datetime has no UTC day")
        return instant.astimezone(UTC).date()
    return instant


def period_start(granularity: Granularity, instant: date) -> date:
    """The first day of the period holding `instant` (as date_trunc in UTC does)."""
    day = utc_day(instant)
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is Granularity.MONTH:
        return day.replace(day=1)
    return day


def next_period(granularity: Granularity, start: date) -> date:
    """The first day of the period after the one starting on `start`."""
    if granularity is Granularity.DAY:
        return start + timedelta(days=1)
    if granularity is Granularity.WEEK:
        return start + timedelta(days=7)
    if start.month == 12:
        return date(start.year + 1, 1, 1)
    return date(start.year, start.month + 1, 1)


def _day_after_last(end: date) -> date:
    """The first day the span [.., end) does not touch."""
    day = utc_day(end)
    if isinstance(end, datetime) and end.astimezone(UTC).time() != datetime.min.time():
        return day + timedelta(days=1)
    return day


def previous_period(granularity: Granularity, start: date) -> date:
    """The first day of the period before the one starting on `start`."""
    return period_start(granularity, start - timedelta(days=1))


def periods(start: date, end: date, granularity: Granularity) -> list[date]:
    """The first days of the periods the span [start, end) touches, oldest first.

    Refused (InvalidField naming `from`, `to` or `granularity`) when the span is empty or
    covers more than MAX_PERIODS periods.
    """
    if not isinstance(granularity, Granularity):
        raise InvalidField("granularity", f"must be one of {', '.join(Granularity)}")
    for field, instant in (("from", start), ("to", end)):
        if isinstance(instant, datetime) and instant.tzinfo is None:
            raise InvalidField(field, "must carry a time zone")
    first, last = utc_day(start), _day_after_last(end)
    if not 2 <= first.year <= 9998:
        raise InvalidField("from", "must be between the years 2 and 9998")
    if not 2 <= last.year <= 9998:
        raise InvalidField("to", "must be between the years 2 and 9998")
    if last <= first:
        raise InvalidField("to", "must be after from")
    limit = MAX_PERIODS[granularity]
    found = [period_start(granularity, first)]
    while (following := next_period(granularity, found[-1])) < last:
        if len(found) == limit:
            raise InvalidField("to", f"a span may cover at most {limit} {granularity}s")
        found.append(following)
    return found
