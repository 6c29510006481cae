"""What the health use cases read: the health read model, behind a port."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

# Counted members per period, metric and bucket.
Buckets = dict[date, dict[str, dict[int, int]]]


class HealthFigures(Protocol):
    """The health read model's rollups (projections/health/reads.py): O(periods) reads."""

    def counts(
        self, granularity: str, start: date, end: date, channel: str, as_of: date | None
    ) -> dict[date, dict[str, int]]:
        """new, active and interactions per period starting in [start, end), from rollups."""

    def buckets(
        self,
        granularity: str,
        start: date,
        end: date,
        channel: str,
        as_of: date | None,
        metrics: tuple[str, ...],
    ) -> Buckets:
        """Counted members per period, metric ('last', 'silence', 'count', 'stage') and
        bucket, as known at the end of `as_of` (None: now)."""

    def lasts_between(self, channel: str, low: datetime, high: datetime) -> int:
        """Counted members whose last interaction (on the channel) is in [low, high], now."""

    def membership(
        self, starts: list[date], ends: list[date], as_of: date | None
    ) -> dict[date, tuple[int, int]]:
        """(left, total at the end) per period."""

    def response_times(
        self, starts: list[date], ends: list[date], as_of: date | None
    ) -> dict[date, tuple[float, float]]:
        """(median, p90) seconds to first response of feedback submitted in each period."""

    def cohorts(self, granularity: str, start: date, end: date) -> dict[date, dict[date, int]]:
        """Counted members per cohort (period of the first interaction ever, in [start,
        end)) and period they were active in (before `end`)."""
