"""CommunityHealth: the community KPIs per period, and cohort retention, for a span."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from application.clock import Clock, utc_now
from application.health.figures import absence_factor, at_least, by_stage
from application.health.ports import Buckets, HealthFigures
from domain.errors import InvalidField
from domain.health.cohorts import Cohort, Retained
from domain.health.kpis import Figure, PeriodKpis
from domain.health.periods import Granularity, next_period, periods, previous_period
from domain.health.rule import HealthRule
from domain.lifecycle.stages import Stage
from domain.values import Channel

# The granularities the rollups hold: a series per day would read day rows, not rollups.
REPORTED = (Granularity.WEEK, Granularity.MONTH)
EARLIEST_AS_OF = date(1990, 1, 1)
METRICS = ("last", "silence", "count", "stage")
# A span's reads are independent of one another: the counts, membership and response times
# run beside the buckets, each on a pool connection of its own, so a span costs about its
# slowest read rather than their sum. Shared by every request: four connections at most.
_READERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="health-reads")


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

        Every number reads rollups (O(periods × buckets) rows), exact at asOf as the deltas
        recorded by then. `new`, `left` and `total` are the community's whatever the
        channel: joining and a first interaction ever belong to no channel.
        """
        starts = self._periods(start, end, granularity)
        scope = _channel(channel)
        now = self.clock()
        if as_of is not None and not EARLIEST_AS_OF <= as_of <= now.date():
            raise InvalidField("as_of", f"must be between {EARLIEST_AS_OF} and today")
        # Newly inactive is judged at the end of the asOf day, or now.
        judged_at = _instant(as_of + timedelta(days=1)) if as_of else now
        first, end_day = previous_period(granularity, starts[0]), _end(granularity, starts)
        all_starts = [first, *starts]
        ends = [next_period(granularity, s) for s in all_starts]
        counted = _READERS.submit(self.figures.counts, granularity, first, end_day, "", as_of)
        scoped = (
            _READERS.submit(self.figures.counts, granularity, first, end_day, scope, as_of)
            if scope
            else counted
        )
        members = _READERS.submit(self.figures.membership, all_starts, ends, as_of)
        answered = _READERS.submit(self.figures.response_times, starts, ends[1:], as_of)
        buckets = self.figures.buckets(granularity, first, end_day, scope, as_of, METRICS)
        inactive = self._newly_inactive(all_starts, ends, scope, as_of, judged_at, buckets)
        everyone, rolled = counted.result(), scoped.result()
        membership, responses = members.result(), answered.result()

        def held(period: date) -> dict[str, int]:
            left, total = membership.get(period, (0, 0))
            counts, held_buckets = rolled.get(period, {}), buckets.get(period, {})
            histogram = held_buckets.get("count", {})
            repeat = at_least(histogram, self.rule.repeat_threshold)
            return {
                "new": everyone.get(period, {}).get("new", 0),
                "active": counts.get("active", 0),
                "returning": at_least(held_buckets.get("silence", {}), self.rule.inactive_weeks),
                "newly_inactive": inactive.get(period, 0),
                "left": left,
                "total": total,
                "interactions": counts.get("interactions", 0),
                "one_off": sum(histogram.values()) - repeat,
                "repeat": repeat,
                "absence_factor": absence_factor(histogram),
            }

        def stages(period: date) -> dict[str, int]:
            return by_stage(buckets.get(period, {}).get("stage", {}))

        result, previous, previous_start = [], held(first), first
        for period, period_end in zip(starts, ends[1:], strict=True):
            current = held(period)
            figures = {n: Figure.between(current[n], previous[n]) for n in current}
            median, p90 = responses.get(period, (None, None))
            result.append(
                PeriodKpis(
                    start=period,
                    end=period_end,
                    **cast(dict[str, Any], figures),
                    first_response_median=median,
                    first_response_p90=p90,
                    active_by_stage=_by_stage(stages(period), stages(previous_start)),
                )
            )
            previous, previous_start = current, period
        return result

    def _newly_inactive(
        self,
        starts: list[date],
        ends: list[date],
        channel: str,
        as_of: date | None,
        judged_at: datetime,
        buckets: Buckets,
    ) -> dict[date, int]:
        """Members whose last interaction is in the period and at least N weeks before
        `judged_at`: a whole period before the cutoff reads its 'last' rollup, the period
        straddling it the days before the cutoff's day and that day's part up to it."""
        cutoff = judged_at - timedelta(weeks=self.rule.inactive_weeks)
        found: dict[date, int] = {}
        for start, end in zip(starts, ends, strict=True):
            if _instant(end) <= cutoff:
                found[start] = buckets.get(start, {}).get("last", {}).get(0, 0)
            elif _instant(start) <= cutoff:
                day = cutoff.astimezone(UTC).date()
                days = self.figures.buckets("day", start, day, channel, as_of, ("last",))
                before = sum(b.get("last", {}).get(0, 0) for b in days.values())
                # The cutoff's own day up to it, from members' last instants now: exact
                # today; at asOf (a midnight cutoff) the members last seen at that instant.
                found[start] = before + self.figures.lasts_between(channel, _instant(day), cutoff)
        return found

    def cohorts(self, start: date, end: date, granularity: Granularity) -> list[Cohort]:
        """The members first seen in each period of [start, end), followed to its end."""
        starts = self._periods(start, end, granularity)
        found = self.figures.cohorts(granularity, starts[0], _end(granularity, starts))
        cohorts = []
        for index, first in enumerate(starts):
            active = found.get(first, {})
            size = active.get(first, 0)
            if size > 0:
                retained = tuple(
                    Retained(p, active.get(p, 0), active.get(p, 0) / size) for p in starts[index:]
                )
                cohorts.append(Cohort(first, size, retained))
        return cohorts

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
