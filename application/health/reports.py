"""CommunityHealth: the community KPIs per period, and cohort retention, for a span."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from application.clock import Clock, utc_now
from application.health.ports import HealthFigures
from domain.errors import InvalidField
from domain.health.cohorts import Cohort, cohort_retention
from domain.health.kpis import Figure, PeriodKpis, community_kpis
from domain.health.periods import Granularity, next_period, periods, previous_period
from domain.health.rule import HealthRule
from domain.lifecycle.stages import Stage
from domain.values import Channel

# The granularities the rollups hold: a series per day would read day rows, not rollups.
REPORTED = (Granularity.WEEK, Granularity.MONTH)
EARLIEST_AS_OF = date(1990, 1, 1)


class CommunityHealth:
    """Reads the KPIs through the HealthFigures port, under the configured HealthRule."""

    def __init__(self, figures: HealthFigures, rule: HealthRule, clock: Clock = utc_now) -> None:
        self.figures, self.rule, self.clock = figures, rule, clock

    def kpis(
        self,
        start: date,
        end: date,
        granularity: Granularity,
        channel: str | None = None,
        as_of: date | None = None,
    ) -> list[PeriodKpis]:
        """Every period [start, end) touches, each number with its change from the one before.

        new, active and interactions read the rollups (exact at asOf); the other numbers
        read the span's member rows. `new`, `left` and `total` are the community's whatever
        the channel: joining and a first interaction ever belong to no channel.
        """
        starts = self._periods(start, end, granularity)
        scope = _channel(channel)
        now = self.clock()
        if as_of is not None and not EARLIEST_AS_OF <= as_of <= now.date():
            raise InvalidField("as_of", f"must be between {EARLIEST_AS_OF} and today")
        # Newly inactive is judged at the end of the asOf day, or now.
        judged_at = _instant(as_of + timedelta(days=1)) if as_of else now
        first, end_day = previous_period(granularity, starts[0]), _end(granularity, starts)
        # Returning looks back N whole weeks before the period before the span.
        since = first - timedelta(days=7 * self.rule.inactive_weeks + 1)
        reference = community_kpis(
            self.figures.activity(since, scope, as_of),
            start=starts[0],
            end=end_day,
            granularity=granularity,
            rule=self.rule,
            judged_at=judged_at,
        )
        everyone = self.figures.counts(granularity, first, end_day, "", as_of)
        rolled = (
            everyone
            if not scope
            else self.figures.counts(granularity, first, end_day, scope, as_of)
        )
        all_starts = [first, *starts]
        ends = [next_period(granularity, s) for s in all_starts]
        membership = self.figures.membership(all_starts, ends, as_of)
        responses = self.figures.response_times(starts, ends[1:], as_of)
        stages = self.figures.stages(granularity, all_starts, scope, as_of)

        def held(period: date) -> dict[str, int]:
            left, total = membership.get(period, (0, 0))
            counts = rolled.get(period, {})
            return {
                "new": everyone.get(period, {}).get("new", 0),
                "active": counts.get("active", 0),
                "interactions": counts.get("interactions", 0),
                "left": left,
                "total": total,
            }

        result, previous, previous_start = [], held(first), first
        for period in reference:
            current = held(period.start)
            figures = {n: Figure.between(current[n], previous[n]) for n in current}
            median, p90 = responses.get(period.start, (None, None))
            by_stage = _by_stage(stages.get(period.start, {}), stages.get(previous_start, {}))
            result.append(
                replace(
                    period,
                    **cast(dict[str, Any], figures),
                    first_response_median=median,
                    first_response_p90=p90,
                    active_by_stage=by_stage,
                )
            )
            previous, previous_start = current, period.start
        return result

    def cohorts(self, start: date, end: date, granularity: Granularity) -> list[Cohort]:
        """The members first seen in each period of [start, end), followed to its end."""
        starts = self._periods(start, end, granularity)
        end_day = _end(granularity, starts)
        facts = self.figures.first_seen(starts[0], end_day, starts[0], end_day)
        return cohort_retention(facts, start=starts[0], end=end_day, granularity=granularity)

    @staticmethod
    def _periods(start: date, end: date, granularity: Granularity) -> list[date]:
        if granularity not in REPORTED:
            raise InvalidField("granularity", f"must be one of {', '.join(REPORTED)}")
        return periods(start, end, granularity)


def _channel(channel: str | None) -> str:
    """The channel's value, "" for all; InvalidField naming `channel` for an unknown one."""
    if channel is None:
        return ""
    try:
        return Channel(channel).value
    except ValueError:
        raise InvalidField("channel", f"must be one of {', '.join(Channel)}") from None


def _by_stage(current: dict[str, int], previous: dict[str, int]) -> tuple[tuple[str, Figure], ...]:
    """Active members per stage with their change, in the lifecycle's order, unknown last."""
    order = [*Stage, ""]
    found = sorted(
        current.keys() | previous.keys(), key=lambda s: order.index(s) if s in order else len(order)
    )
    return tuple((s, Figure.between(current.get(s, 0), previous.get(s, 0))) for s in found)


def _end(granularity: Granularity, starts: list[date]) -> date:
    return next_period(granularity, starts[-1])


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
