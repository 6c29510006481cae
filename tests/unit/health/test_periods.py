"""Periods: UTC days, Monday weeks, calendar months, and the spans a query may ask for."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from domain.errors import InvalidField
from domain.health import Granularity, next_period, period_start, periods, previous_period
from tests.unit.health.community import at


@pytest.mark.parametrize(
    ("granularity", "instant", "expected"),
    [
        (Granularity.MONTH, at("2026-01-31T23:59:59"), date(2026, 1, 1)),
        (Granularity.MONTH, at("2026-02-01T00:00:00"), date(2026, 2, 1)),
        (Granularity.WEEK, at("2026-01-01"), date(2025, 12, 29)),  # a Thursday: Monday before
        (Granularity.WEEK, at("2026-01-04T23:59:59"), date(2025, 12, 29)),  # Sunday
        (Granularity.WEEK, at("2026-01-05"), date(2026, 1, 5)),  # Monday
        (Granularity.DAY, at("2026-03-01T23:59:59"), date(2026, 3, 1)),
        (Granularity.MONTH, date(2026, 3, 17), date(2026, 3, 1)),
    ],
)
def test_period_start(granularity: Granularity, instant: date, expected: date) -> None:
    assert period_start(granularity, instant) == expected


def test_periods_are_counted_in_utc() -> None:
    # 1 Feb 00:30 in Paris is still 31 Jan in UTC.
    paris = datetime(2026, 2, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))

    assert period_start(Granularity.MONTH, paris) == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("granularity", "start", "following"),
    [
        (Granularity.DAY, date(2026, 2, 28), date(2026, 3, 1)),
        (Granularity.WEEK, date(2025, 12, 29), date(2026, 1, 5)),
        (Granularity.MONTH, date(2025, 12, 1), date(2026, 1, 1)),
        (Granularity.MONTH, date(2026, 1, 1), date(2026, 2, 1)),
    ],
)
def test_next_and_previous_period(granularity: Granularity, start: date, following: date) -> None:
    assert next_period(granularity, start) == following
    assert previous_period(granularity, following) == start


def test_periods_touched_by_a_span() -> None:
    assert periods(date(2026, 1, 15), date(2026, 3, 1), Granularity.MONTH) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    # An end instant past midnight touches its own day.
    assert periods(at("2026-01-15"), at("2026-03-01T00:00:01"), Granularity.MONTH)[-1] == date(
        2026, 3, 1
    )
    assert periods(date(2026, 1, 1), date(2026, 1, 2), Granularity.WEEK) == [date(2025, 12, 29)]


def test_a_span_may_cover_ten_years_of_weeks_and_no_more() -> None:
    monday = date(2020, 1, 6)

    assert len(periods(monday, monday + timedelta(weeks=520), Granularity.WEEK)) == 520
    with pytest.raises(InvalidField) as refused:
        periods(monday, monday + timedelta(weeks=520, days=1), Granularity.WEEK)
    assert refused.value.field == "to"


@pytest.mark.parametrize(
    ("start", "end", "granularity", "field"),
    [
        (date(2026, 3, 1), date(2026, 3, 1), Granularity.MONTH, "to"),
        (date(2026, 3, 1), date(2026, 2, 1), Granularity.DAY, "to"),
        (date(2016, 1, 1), date(2026, 1, 2), Granularity.MONTH, "to"),  # 121 months
        (date(2010, 1, 1), date(2020, 1, 10), Granularity.DAY, "to"),  # 3661 days
        (date(1, 1, 1), date(2026, 1, 1), Granularity.MONTH, "from"),
        (date(2026, 1, 1), date(9999, 12, 31), Granularity.MONTH, "to"),
        (date(2026, 1, 1), date(2026, 2, 1), "year", "granularity"),
    ],
)
def test_spans_out_of_bounds_are_refused(
    start: date, end: date, granularity: Granularity, field: str
) -> None:
    with pytest.raises(InvalidField) as refused:
        periods(start, end, granularity)

    assert refused.value.field == field


@pytest.mark.parametrize("field", ["from", "to"])
def test_a_naive_instant_is_refused(field: str) -> None:
    naive = datetime(2026, 1, 1)  # the mistake under test
    aware = at("2026-03-01")
    start, end = (naive, aware) if field == "from" else (at("2025-12-01"), naive)

    with pytest.raises(InvalidField) as refused:
        periods(start, end, Granularity.MONTH)

    assert refused.value.field == field
