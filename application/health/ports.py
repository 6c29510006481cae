"""What the health use cases read: the health read model, behind a port."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from domain.health.facts import MemberFacts


class HealthFigures(Protocol):
    """The health read model (projections/health/reads.py)."""

    def counts(
        self, granularity: str, start: date, end: date, channel: str, as_of: date | None
    ) -> dict[date, dict[str, int]]:
        """new, active and interactions per period starting in [start, end), from rollups."""

    def activity(self, since: date, channel: str, as_of: date | None) -> list[MemberFacts]:
        """Counted members active from `since` on, with their days from then."""

    def membership(
        self, starts: list[date], ends: list[date], as_of: date | None
    ) -> dict[date, tuple[int, int]]:
        """(left, total at the end) per period."""

    def stages(
        self, granularity: str, starts: list[date], channel: str, as_of: date | None
    ) -> dict[date, dict[str, int]]:
        """Active members per period by their lifecycle stage now ("" never evaluated)."""

    def response_times(
        self, starts: list[date], ends: list[date], as_of: date | None
    ) -> dict[date, tuple[float, float]]:
        """(median, p90) seconds to first response of feedback submitted in each period."""

    def first_seen(self, start: date, end: date, low: date, high: date) -> list[MemberFacts]:
        """Counted members first seen in [low, high), with their days in [start, end)."""
