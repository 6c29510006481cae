"""The monthly report's figures, collected through the health use cases (as GraphQL reads them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from psycopg_pool import ConnectionPool

from api.bootstrap import UseCases
from application.health.spikes import ExplainedSpike
from domain.errors import InvalidField
from domain.health import Granularity
from domain.health.cohorts import Cohort
from domain.health.kpis import PeriodKpis
from domain.outreach.welcome import WelcomePeriod
from domain.values import Channel
from projections.health.channel_mix import ChannelMix

# The trailing window shown beside the month: a year by default, three at most (as the
# dashboard's span).
DEFAULT_MONTHS = 12
MAX_MONTHS = 36
MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class ReportRequest:
    """What the manager asked for: a month, one channel or all, an optional asOf, a window."""

    month: date  # its first day
    channel: str = ""  # "" for all channels
    as_of: date | None = None
    months: int = DEFAULT_MONTHS

    @property
    def end(self) -> date:
        """The first day after the month."""
        return add_months(self.month, 1)

    @property
    def first(self) -> date:
        """The first month of the trailing window."""
        return add_months(self.month, 1 - self.months)


@dataclass(frozen=True)
class MonthlyReport:
    """Everything the report shows: aggregates only, no member is named."""

    request: ReportRequest
    kpis: list[PeriodKpis]  # the trailing window, the month last
    mix: list[tuple[str, str, int]]  # (channel, kind, interactions) in the month
    spikes: list[ExplainedSpike]
    cohorts: list[Cohort]
    rule_version: str
    generated_at: datetime
    # Time to welcome per month of the trailing window (outreach's WelcomeQueue, as known
    # now): start, newcomers, welcomed, median_seconds, p90_seconds; empty months absent.
    welcome: list[dict[str, Any]]

    @property
    def current(self) -> PeriodKpis:
        """The month's own numbers, each with its change from the month before."""
        return self.kpis[-1]

    def welcome_in(self, month: date) -> dict[str, Any] | None:
        """Time to welcome of the newcomers who showed up in `month`; None when none did."""
        return next((w for w in self.welcome if w["start"] == month), None)


def report_request(
    month: str, channel: str | None, as_of: str | None, months: int, today: date
) -> ReportRequest:
    """The request typed in (CLI options or query parameters); InvalidField naming the
    field of the first bad value."""
    return ReportRequest(
        parse_month(month, today),
        parse_channel(channel),
        parse_as_of(as_of, today) if as_of else None,
        months,
    )


def parse_month(raw: str, today: date) -> date:
    """The first day of a YYYY-MM month not after today's; InvalidField naming `month`."""
    found = MONTH.fullmatch(raw.strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        raise InvalidField("month", f"must be a month as YYYY-MM (e.g. 2026-11), not {raw!r}")
    month = date(int(found.group(1)), int(found.group(2)), 1)
    if month > today.replace(day=1):
        raise InvalidField("month", f"must not be after the current month ({today:%Y-%m})")
    return month


def parse_as_of(raw: str, today: date) -> date:
    """A YYYY-MM-DD day not after today; InvalidField naming `as_of`."""
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidField("as_of", f"must be a date as YYYY-MM-DD, not {raw!r}") from None
    if day > today:
        raise InvalidField("as_of", f"must not be after today ({today})")
    return day


def parse_channel(raw: str | None) -> str:
    """A channel's value, "" for all; InvalidField naming `channel` for an unknown one."""
    if not raw:
        return ""
    try:
        return Channel(raw.strip().lower()).value
    except ValueError:
        raise InvalidField("channel", f"must be one of {', '.join(Channel)}") from None


def monthly_report(
    cases: UseCases,
    pool: ConnectionPool,
    request: ReportRequest,
    clock: Callable[[], datetime] | None = None,
) -> MonthlyReport:
    """Read the month and its trailing window (blocking: call off the event loop)."""
    if not 2 <= request.months <= MAX_MONTHS:
        raise InvalidField("months", f"must be between 2 and {MAX_MONTHS}")
    channel = request.channel or None
    kpis = cases.health.kpis(request.first, request.end, Granularity.MONTH, channel, request.as_of)
    return MonthlyReport(
        request=request,
        kpis=kpis,
        mix=ChannelMix(pool).totals(request.month, request.end, request.channel, request.as_of),
        spikes=cases.spikes.spikes(request.month, request.end, request.channel, request.as_of),
        cohorts=cases.health.cohorts(request.first, request.end, Granularity.MONTH),
        rule_version=cases.health.rule.version,
        generated_at=(clock or _now)(),
        welcome=cases.welcome.periods(request.first, request.end, WelcomePeriod.MONTH, channel),
    )


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _now() -> datetime:
    return datetime.now(UTC)
