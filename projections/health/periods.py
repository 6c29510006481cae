"""The periods the health rollups key, as the domain defines them (UTC, weeks from Monday)."""

from __future__ import annotations

from domain.health.periods import Granularity, period_start

DAY = Granularity.DAY
ROLLED_UP = (Granularity.WEEK, Granularity.MONTH)  # the granularities health_counts holds

__all__ = ["DAY", "ROLLED_UP", "period_start"]
