"""The dashboard's health panels: its pickers read from the query, and the KPIs they select."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from api.services import Services
from application.health.spikes import ExplainedSpike
from domain.errors import InvalidField
from domain.health import Granularity
from domain.health.cohorts import Cohort
from domain.health.kpis import PeriodKpis
from domain.outreach.welcome import WelcomePeriod
from domain.values import Channel
from projections.health.channel_mix import ChannelMix, MixRow

# The pickers' default span: the last twelve months, the current one included.
DEFAULT_MONTHS = 12
CHANNELS = tuple(channel.value for channel in Channel)
PICKERS = ("from", "to", "channel", "asOf")
# What a section may ask health_view to read.
KPIS, COHORTS, SPIKES, MIX, WELCOME = "kpis", "cohorts", "spikes", "mix", "welcome"


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
        return add_months(self.end, -1)

    @property
    def months(self) -> int:
        """How many months the span holds."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month


@dataclass(frozen=True)
class HealthView:
    """The health panels' figures for one span (the parts a section did not ask for: empty)."""

    span: Span
    kpis: list[PeriodKpis]
    cohorts: list[Cohort]
    spikes: list[ExplainedSpike]
    stages: list[str] = field(default_factory=list)
    mix: list[MixRow] = field(default_factory=list)
    # Interactions per day of the span, for the spikes' chart: (day, interactions).
    daily: list[tuple[date, int]] = field(default_factory=list)
    # Time to welcome per month of showing up (outreach's WelcomeQueue): start, newcomers,
    # welcomed, median_seconds, p90_seconds; months nobody showed up in are absent.
    welcome: list[dict[str, Any]] = field(default_factory=list)

    def mix_table(self) -> tuple[list[str], list[tuple[str, dict[str, int], int]]]:
        """The span's interactions by channel (rows) and kind (columns): the kinds seen, and
        per channel its counts by kind and its total."""
        kinds = sorted({row.kind for row in self.mix})
        by_channel: dict[str, dict[str, int]] = {}
        for row in self.mix:
            counts = by_channel.setdefault(row.channel, {})
            counts[row.kind] = counts.get(row.kind, 0) + row.interactions
        rows = [(ch, counts, sum(counts.values())) for ch, counts in sorted(by_channel.items())]
        return kinds, rows

    def charts(self) -> dict[str, Any]:
        """The health charts' series, by the id their page element names."""
        months = [epoch(k.start) for k in self.kpis]
        charts: dict[str, Any] = {}
        if self.kpis:
            charts["new-vs-inactive"] = series(
                months,
                ("New members", [k.new.value for k in self.kpis]),
                ("Newly inactive members", [k.newly_inactive.value for k in self.kpis]),
            )
            charts["first-response"] = series(
                months,
                ("Median hours", [_hours(k.first_response_median) for k in self.kpis]),
                ("90th percentile hours", [_hours(k.first_response_p90) for k in self.kpis]),
            )
        if self.welcome:
            charts["time-to-welcome"] = series(
                [epoch(w["start"]) for w in self.welcome],
                ("Median hours", [_hours(w["median_seconds"]) for w in self.welcome]),
                ("90th percentile hours", [_hours(w["p90_seconds"]) for w in self.welcome]),
            )
        if self.daily:
            spiked = {s.spike.start: s.spike.activity for s in self.spikes}
            charts["daily"] = series(
                [epoch(day) for day, _ in self.daily],
                ("Interactions per day", [n for _, n in self.daily]),
                ("Spikes", [spiked.get(day) for day, _ in self.daily]),
                points=1,
            )
        return charts


def series(
    x: list[int], *lines: tuple[str, list[Any]], points: int | None = None
) -> dict[str, Any]:
    """A chart's JSON: the x axis (epoch seconds) and labelled lines; `points` is the index
    of a line drawn as marks only (the spikes on their days)."""
    return {
        "x": x,
        "lines": [
            {"label": label, "y": y, "points": index == points}
            for index, (label, y) in enumerate(lines)
        ],
    }


def span_of(query: dict[str, str], today: date) -> Span:
    """The span the query asks for; InvalidField naming the picker for a bad value."""
    this_month = today.replace(day=1)
    last = _month(query.get("to"), "to") or this_month
    first = _month(query.get("from"), "from") or add_months(last, 1 - DEFAULT_MONTHS)
    if last < first:
        raise InvalidField("to", "must not be before from")
    if last > this_month:
        raise InvalidField("to", "must not be after the current month")
    if add_months(first, 36) <= last:
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
    return Span(first, add_months(last, 1), channel, as_of)


def health_view(services: Services, span: Span, parts: Collection[str]) -> HealthView:
    """Read the parts of the span a section shows (blocking: call off the event loop)."""
    cases = services.use_cases
    channel = span.channel or None
    kpis, cohorts, spikes, mix, daily, welcome = [], [], [], [], [], []
    if KPIS in parts:
        kpis = cases.health.kpis(span.start, span.end, Granularity.MONTH, channel, span.as_of)
    if COHORTS in parts:
        # Cohorts have no asOf nor channel: they are the community as known now.
        cohorts = cases.health.cohorts(span.start, span.end, Granularity.MONTH)
    if SPIKES in parts:
        spikes = cases.spikes.spikes(span.start, span.end, span.channel, span.as_of)
        daily = cases.spikes.sources.daily(span.start, span.end, span.channel, span.as_of)
    if MIX in parts:
        mix = ChannelMix(services.pool).monthly(span.start, span.end, span.channel, span.as_of)
    if WELCOME in parts:
        # Welcomes as known now (the read model keeps no history), on the picked channel.
        months = WelcomePeriod.MONTH
        welcome = cases.welcome.periods(span.start, span.end, months, channel)
    stages = sorted({stage for k in kpis for stage, _ in k.active_by_stage})
    return HealthView(span, kpis, cohorts, spikes, stages, mix, daily, welcome)


def shade(share: float) -> str:
    """The heat table's class for a retention share: five steps, no inline style (CSP)."""
    return f"heat-{min(4, int(share * 5))}"


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def epoch(day: date) -> int:
    """A day's UTC midnight in epoch seconds (the charts' x axis)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _hours(seconds: float | None) -> float | None:
    return round(float(seconds) / 3600, 2) if seconds is not None else None


def _month(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        year, month = raw.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise InvalidField(name, "must be a month, YYYY-MM") from None
