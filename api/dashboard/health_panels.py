"""The dashboard's health panels: its pickers read from the query, and the KPIs they select."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from api.services import Services
from application.health.spikes import ExplainedSpike
from domain.errors import InvalidField
from domain.health import Granularity
from domain.health.cohorts import Cohort
from domain.health.kpis import PeriodKpis
from domain.values import Channel

# The pickers' default span: the last twelve months, the current one included.
DEFAULT_MONTHS = 12
CHANNELS = tuple(channel.value for channel in Channel)


@dataclass(frozen=True)
class Span:
    """What the pickers chose: months [start, end), one channel or all, an optional asOf."""

    start: date
    end: date
    channel: str  # "" for all channels
    as_of: date | None

    @property
    def last_month(self) -> date:
        """The last month shown (the form's `to`, which is inclusive)."""
        return _add_months(self.end, -1)


@dataclass(frozen=True)
class HealthView:
    """The health panels' figures for one span."""

    span: Span
    kpis: list[PeriodKpis]
    cohorts: list[Cohort]
    spikes: list[ExplainedSpike]
    stages: list[str] = field(default_factory=list)

    def chart(self) -> dict[str, Any]:
        """New vs newly inactive members per month, for the chart beside its table."""
        return {
            "title": "New members",
            "title2": "Newly inactive members",
            "x": [_epoch(k.start) for k in self.kpis],
            "y": [k.new.value for k in self.kpis],
            "y2": [k.newly_inactive.value for k in self.kpis],
        }


def span_of(query: dict[str, str], today: date) -> Span:
    """The span the query asks for; InvalidField naming the picker for a bad value."""
    this_month = today.replace(day=1)
    last = _month(query.get("to"), "to") or this_month
    first = _month(query.get("from"), "from") or _add_months(last, 1 - DEFAULT_MONTHS)
    if last < first:
        raise InvalidField("to", "must not be before from")
    if last > this_month:
        raise InvalidField("to", "must not be after the current month")
    if _add_months(first, 36) <= last:
        raise InvalidField("from", "the span must be at most 36 months")
    channel = query.get("channel", "")
    if channel and channel not in CHANNELS:
        raise InvalidField("channel", "must be one of the listed channels")
    as_of = None
    if raw := query.get("asOf"):
        try:
            as_of = date.fromisoformat(raw)
        except ValueError:
            raise InvalidField("asOf", "must be a date, YYYY-MM-DD") from None
        if as_of > today:
            raise InvalidField("asOf", "must not be in the future")
    return Span(first, _add_months(last, 1), channel, as_of)


def health_view(services: Services, span: Span) -> HealthView:
    """Read the span's KPIs, cohorts and spikes (blocking: call off the event loop)."""
    cases = services.use_cases
    channel = span.channel or None
    kpis = cases.health.kpis(span.start, span.end, Granularity.MONTH, channel, span.as_of)
    cohorts = cases.health.cohorts(span.start, span.end, Granularity.MONTH)
    spikes = cases.spikes.spikes(span.start, span.end, span.channel)
    stages = sorted({stage for k in kpis for stage, _ in k.active_by_stage})
    return HealthView(span, kpis, cohorts, spikes, stages)


def shade(share: float) -> str:
    """The heat table's class for a retention share: five steps, no inline style (CSP)."""
    return f"heat-{min(4, int(share * 5))}"


def _month(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        year, month = raw.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise InvalidField(name, "must be a month, YYYY-MM") from None


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
