"""The periods the health rollups key, as the domain defines them (UTC, weeks from Monday)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache

from domain.health.periods import Granularity, period_start

DAY = Granularity.DAY
ROLLED_UP = (Granularity.WEEK, Granularity.MONTH)  # the granularities health_counts holds


@lru_cache(maxsize=16384)
def period_of(granularity: str, day: date) -> date:
    """period_start of a UTC day, remembered: a page asks for the same few days again and
    again (the projection's hottest call)."""
    return period_start(Granularity(granularity), day)


def day_of(instant: datetime) -> date:
    """The UTC day of an aware instant."""
    return instant.astimezone(UTC).date()


__all__ = ["DAY", "ROLLED_UP", "day_of", "period_of", "period_start"]
