"""A seeded community whose members each follow one known behaviour, for backtesting rules.

application/synthetic.py makes a community shaped like a real one in bulk; here every
member follows a behaviour whose outcome is known (who keeps their rhythm, who bursts and
takes holidays, who fades, stops for good or comes back), so an at-risk rule's backtest
can be checked against the truth (`KnownMember.stopped_at`) rather than against a guess.
Each member derives from (seed, member number) alone: members stream one at a time.

bench/backtest.py loads `ingestion_records` through `crm import`; the unit tests judge
`members` in memory.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from application.synthetic import CHANNEL_WEIGHTS, CHANNELS, KIND_WEIGHTS, KINDS


class Behaviour(StrEnum):
    """How a member takes part over time; each has a shape the tests check."""

    STEADY = "steady"  # 1-4 active days a week, the odd holiday of 1-2 weeks
    MAINTAINER = "maintainer"  # release bursts, quiet weeks between, a yearly holiday
    ONE_OFF = "one_off"  # 1-3 interactions over a day or a weekend
    OCCASIONAL = "occasional"  # a few active weeks a year, at random
    FADER = "fader"  # regular, then gaps grow until they stop for good
    STOPPER = "stopper"  # regular, then stop at once for good
    RETURNER = "returner"  # regular, silent for 2-6 months, then back at their rhythm


# Shares like a real community's: many drop-ins, fewer regulars; 15% of members leave
# (faders and stoppers) and 5% come back after a long silence.
SHARES: dict[Behaviour, float] = {
    Behaviour.ONE_OFF: 0.35,
    Behaviour.OCCASIONAL: 0.25,
    Behaviour.STEADY: 0.15,
    Behaviour.MAINTAINER: 0.05,
    Behaviour.FADER: 0.08,
    Behaviour.STOPPER: 0.07,
    Behaviour.RETURNER: 0.05,
}
# Days of history a behaviour needs after joining to show its shape before the end.
NEEDS_DAYS: dict[Behaviour, int] = {
    Behaviour.FADER: 300,
    Behaviour.STOPPER: 200,
    Behaviour.RETURNER: 400,
    Behaviour.MAINTAINER: 120,
}
BURST_KINDS = ("pull_request", "issue", "reply", "message")
BURST_KIND_WEIGHTS = (40, 20, 25, 15)
DAY = 86_400.0


@dataclass(frozen=True)
class Community:
    """The size, seed and time span of a community of known behaviours."""

    members: int = 10_000
    seed: int = 7
    history: timedelta = timedelta(days=1096)  # three years
    # Fixed, so that a benchmark's dates and figures stay comparable from run to run.
    end: datetime = datetime(2026, 11, 1, tzinfo=UTC)

    @property
    def start(self) -> datetime:
        """The first instant of the community's history (a midnight, UTC)."""
        return self.end - self.history

    @property
    def days(self) -> int:
        """Whole days of history: day d runs from start + d days to start + d + 1."""
        return self.history.days


@dataclass(frozen=True)
class KnownInteraction:
    """One interaction of a known member, as an import would carry it."""

    occurred_at: datetime
    kind: str
    channel: str
    external_id: str


@dataclass(frozen=True)
class KnownMember:
    """Member number n: their behaviour, their interactions and what really happened."""

    number: int
    handle: str
    behaviour: Behaviour
    channel: str
    joined_at: datetime  # their first interaction, as `crm import --create-members` records
    interactions: tuple[KnownInteraction, ...]  # oldest first, none at or after the end
    # The truth a backtest is scored against: their last interaction when a regular member
    # stops for good (faders and stoppers), else None. One-offs and occasional members never
    # had a rhythm to stop.
    stopped_at: datetime | None
    breaks: tuple[tuple[datetime, datetime], ...]  # holidays and a returner's long silence


def members(community: Community) -> Iterator[KnownMember]:
    """Every member of the community, one at a time."""
    for number in range(community.members):
        yield member(community, number)


def member(community: Community, number: int) -> KnownMember:
    """Member `number`, the same every time for a given seed."""
    rng = random.Random(f"{community.seed}:behaviours:{number}")
    behaviour = _BEHAVIOURS[bisect.bisect(_CUMULATIVE, rng.random())]
    room = max(1, community.days - NEEDS_DAYS.get(behaviour, 0))
    # Communities grow: more members joined recently than three years ago.
    joined = min(room - 1, int(room * rng.random() ** 0.6))
    weekday = community.start.weekday()
    plan = _PLANS[behaviour](rng, _Span(joined, community.days - 1, weekday))
    channel = "github" if behaviour is Behaviour.MAINTAINER else _channel(rng)
    interactions = tuple(_interactions(community, number, channel, rng, plan.days))
    start = community.start
    return KnownMember(
        number=number,
        handle=f"{behaviour.value}-{number}",
        behaviour=behaviour,
        channel=channel,
        joined_at=interactions[0].occurred_at,
        interactions=interactions,
        stopped_at=interactions[-1].occurred_at if plan.stops else None,
        breaks=tuple(
            (start + timedelta(days=a), start + timedelta(days=b)) for a, b in plan.breaks
        ),
    )


def ingestion_records(community: Community) -> Iterator[dict[str, Any]]:
    """The interactions in the ingestion format, member by member, each known by handle."""
    for known in members(community):
        for interaction in known.interactions:
            yield {
                "identity_channel": known.channel,
                "identity_handle": known.handle,
                "channel": interaction.channel,
                "kind": interaction.kind,
                "occurred_at": interaction.occurred_at.isoformat(),
                "external_id": interaction.external_id,
            }


@dataclass(frozen=True)
class _Span:
    """Where a member's active days may fall, in day numbers from the community's start."""

    first: int  # the day they join: their first active day
    last: int  # the community's last day
    weekday: int  # day 0's weekday, Monday 0

    def monday(self, day: int) -> int:
        """The Monday of `day`'s week."""
        return day - (day + self.weekday) % 7


@dataclass(frozen=True)
class _Plan:
    """A member's active days and breaks, in days from the community's start."""

    days: list[tuple[int, bool, int]]  # (day, busy, interactions that day; 0: draw 1-3)
    breaks: list[tuple[int, int]]  # [from, to): no interaction in between
    stops: bool = False


def _interactions(
    community: Community,
    number: int,
    channel: str,
    rng: random.Random,
    days: list[tuple[int, bool, int]],
) -> Iterator[KnownInteraction]:
    """Each active day's interactions at day time; busy days are builders' kinds."""
    start = community.start.timestamp()
    counter = itertools.count()
    for day, busy, count in days:
        if not count:
            count = rng.randint(1, 3) if busy else 1 + (rng.random() < 0.25) + (rng.random() < 0.05)
        for moment in sorted(rng.uniform(7 * 3600, 23 * 3600) for _ in range(count)):
            kinds, weights = (BURST_KINDS, _BURST_CUMULATIVE) if busy else (KINDS, _KIND_CUMULATIVE)
            yield KnownInteraction(
                occurred_at=datetime.fromtimestamp(start + day * DAY + moment, UTC),
                kind=kinds[bisect.bisect(weights, rng.random() * weights[-1])],
                channel=channel,
                external_id=f"behaviours-{community.seed}-{number}-{next(counter)}",
            )


def _rhythm(rng: random.Random, span: _Span, first: int, last: int) -> list[int]:
    """Active days in [first, last]: 1-4 a Monday-week (the member's own), a little noise."""
    per_week = rng.choices((1, 2, 3, 4), (50, 30, 15, 5))[0]
    days = {first}
    for week in range(span.monday(first), last + 1, 7):
        if rng.random() < 0.03:  # a week off, now and then
            continue
        count = min(7, max(1, per_week + rng.choice((-1, 0, 0, 0, 0, 1))))
        days.update(d for d in rng.sample(range(week, week + 7), count) if first <= d <= last)
    return sorted(days)


def _holidays(
    rng: random.Random, span: _Span, share: float, length: tuple[int, int]
) -> list[tuple[int, int]]:
    """In each year after joining, with probability `share`, a holiday of `length` days."""
    breaks = []
    for year in range(span.first, span.last + 1, 365):
        begins = year + rng.randint(30, 330)
        if rng.random() < share and begins <= span.last:
            breaks.append((begins, begins + rng.randint(*length)))
    return breaks


def _light(days: list[int], breaks: list[tuple[int, int]]) -> list[tuple[int, bool, int]]:
    """Ordinary active days, without those in a break."""
    return [(d, False, 0) for d in days if not any(a <= d < b for a, b in breaks)]


def _steady(rng: random.Random, span: _Span) -> _Plan:
    breaks = _holidays(rng, span, 0.6, (7, 14))
    return _Plan(_light(_rhythm(rng, span, span.first, span.last), breaks), breaks)


def _maintainer(rng: random.Random, span: _Span) -> _Plan:
    # Release bursts of 5-12 days, busy on most of them, then 2-6 quiet weeks, often with one
    # light day. Once a year the quiet weeks after a burst are a 2-4 week holiday instead,
    # taken within days of the release: no longer than their quiet weeks, not to be flagged.
    days: list[tuple[int, bool, int]] = [(span.first, True, 0)]
    breaks: list[tuple[int, int]] = []
    holiday_due = span.first + rng.randint(30, 330)
    day = span.first + 1
    while day <= span.last:
        burst = rng.randint(5, 12)
        days.extend((d, True, 0) for d in range(day, day + burst) if rng.random() < 0.75)
        day += burst
        if day >= holiday_due:
            away = day + rng.randint(0, 5)
            back = away + rng.randint(14, 28)
            breaks.append((away, min(back, span.last + 1)))
            day, holiday_due = back + rng.randint(0, 5), holiday_due + 365
            continue
        quiet = rng.randint(14, 42)
        if rng.random() < 0.5:
            days.append((day + rng.randint(5, quiet - 5), False, 0))
        day += quiet
    kept = [entry for entry in days if entry[0] <= span.last]
    return _Plan(kept, [b for b in breaks if b[0] <= span.last])


def _one_off(rng: random.Random, span: _Span) -> _Plan:
    # 1-3 interactions: all on the day they came, or spread over a weekend.
    later = [
        min(span.last, span.first + rng.choice((0, 0, 1, 2))) for _ in range(rng.randint(0, 2))
    ]
    counts = Counter([span.first, *later])
    return _Plan([(d, False, counts[d]) for d in sorted(counts)], [])


def _occasional(rng: random.Random, span: _Span) -> _Plan:
    # One Monday-week at a time, 11-26 weeks apart: never six active weeks within a year.
    days = {span.first}
    monday = span.monday(span.first)
    while monday <= span.last:
        week = [d for d in range(monday, monday + 7) if span.first <= d <= span.last]
        days.update(rng.sample(week, min(len(week), rng.randint(1, 2))))
        monday += 7 * rng.randint(11, 26)
    return _Plan(_light(sorted(days), []), [])


def _fader(rng: random.Random, span: _Span) -> _Plan:
    # Regular, then each gap 1.35-1.6 times the one before, until a gap would pass 30-60 days:
    # a fade of two to six months.
    fading = rng.randint(span.first + 70, span.last - 200)
    days = _rhythm(rng, span, span.first, fading)
    gap, day, limit = rng.uniform(2.5, 5.0), float(days[-1]), rng.uniform(30, 60)
    while gap <= limit and day + gap <= span.last:
        day += gap
        days.append(int(day))
        gap *= rng.uniform(1.35, 1.6)
    return _Plan(_light(sorted(set(days)), []), [], stops=True)


def _stopper(rng: random.Random, span: _Span) -> _Plan:
    stops = rng.randint(span.first + 70, span.last)
    return _Plan(_light(_rhythm(rng, span, span.first, stops), []), [], stops=True)


def _returner(rng: random.Random, span: _Span) -> _Plan:
    silence = rng.randint(60, 180)
    leaves = rng.randint(span.first + 70, span.last - silence - 30)
    before = _rhythm(rng, span, span.first, leaves)
    back = before[-1] + 1 + silence
    after = _rhythm(rng, span, back, span.last)
    return _Plan(_light(before + after, []), [(before[-1] + 1, back)])


_PLANS: dict[Behaviour, Callable[[random.Random, _Span], _Plan]] = {
    Behaviour.STEADY: _steady,
    Behaviour.MAINTAINER: _maintainer,
    Behaviour.ONE_OFF: _one_off,
    Behaviour.OCCASIONAL: _occasional,
    Behaviour.FADER: _fader,
    Behaviour.STOPPER: _stopper,
    Behaviour.RETURNER: _returner,
}
_BEHAVIOURS = list(SHARES)
_CUMULATIVE = list(itertools.accumulate(SHARES.values()))
_CHANNELS_CUMULATIVE = list(itertools.accumulate(CHANNEL_WEIGHTS))
_KIND_CUMULATIVE = list(itertools.accumulate(KIND_WEIGHTS))
_BURST_CUMULATIVE = list(itertools.accumulate(BURST_KIND_WEIGHTS))


def _channel(rng: random.Random) -> str:
    return CHANNELS[bisect.bisect(_CHANNELS_CUMULATIVE, rng.random() * _CHANNELS_CUMULATIVE[-1])]
