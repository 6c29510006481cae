"""Cohort retention: members grouped by the period of their first interaction ever."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from domain.health.facts import MemberFacts
from domain.health.periods import Granularity, period_start, periods


@dataclass(frozen=True)
class Retained:
    """How many of a cohort were active in one period, and their share of the cohort."""

    period: date
    active: int
    share: float


@dataclass(frozen=True)
class Cohort:
    """The members whose first interaction ever fell in `start`'s period."""

    start: date
    size: int
    # From the cohort's own period (always all of it) to the last period of the span.
    retained: tuple[Retained, ...]


def cohort_retention(
    facts: Iterable[MemberFacts], *, start: date, end: date, granularity: Granularity
) -> list[Cohort]:
    """The cohorts first seen in the span [start, end), each followed to the span's end."""
    starts = periods(start, end, granularity)
    cohorts: dict[date, list[set[date]]] = defaultdict(list)
    for member in facts:
        if member.first_interaction is None:
            continue
        first = period_start(granularity, member.first_interaction)
        if first in starts:
            cohorts[first].append(
                {period_start(granularity, d) for d, n in member.daily.items() if n > 0}
            )
    return [_cohort(first, cohorts[first], starts) for first in starts if first in cohorts]


def _cohort(first: date, members: list[set[date]], starts: list[date]) -> Cohort:
    size = len(members)
    retained = []
    for period in starts[starts.index(first) :]:
        active = sum(1 for active_in in members if period in active_in)
        retained.append(Retained(period, active, active / size))
    return Cohort(first, size, tuple(retained))
