"""UTC periods as the health rollups key them: weeks start on Monday, months on the 1st."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

DAY, WEEK, MONTH = "day", "week", "month"
ROLLED_UP = (WEEK, MONTH)  # the granularities health_counts holds


def period_start(granularity: str, instant: datetime) -> date:
    """The first day of the UTC period holding an instant."""
    day = instant.astimezone(UTC).date()
    if granularity == WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == MONTH:
        return day.replace(day=1)
    return day
