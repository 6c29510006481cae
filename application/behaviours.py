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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from application import behaviour_plans as plans
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
MIN_HISTORY = timedelta(days=max(NEEDS_DAYS.values()) + 1)
NEEDS_WHY = "a returner joins, keeps a rhythm, goes silent for up to six months and comes back"
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

    def __post_init__(self) -> None:
        """Refuse a history too short for every behaviour to show its shape."""
        if self.history < MIN_HISTORY:
            raise ValueError(f"history must be at least {MIN_HISTORY.days} days: {NEEDS_WHY}")
        if self.members < 0:
            raise ValueError("members must not be negative")

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
    plan = _PLANS[behaviour](rng, plans.Span(joined, community.days - 1, weekday))
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


_PLANS: dict[Behaviour, Callable[[random.Random, plans.Span], plans.Plan]] = {
    Behaviour.STEADY: plans.steady,
    Behaviour.MAINTAINER: plans.maintainer,
    Behaviour.ONE_OFF: plans.one_off,
    Behaviour.OCCASIONAL: plans.occasional,
    Behaviour.FADER: plans.fader,
    Behaviour.STOPPER: plans.stopper,
    Behaviour.RETURNER: plans.returner,
}
_BEHAVIOURS = list(SHARES)
_CUMULATIVE = list(itertools.accumulate(SHARES.values()))
_CHANNELS_CUMULATIVE = list(itertools.accumulate(CHANNEL_WEIGHTS))
_KIND_CUMULATIVE = list(itertools.accumulate(KIND_WEIGHTS))
_BURST_CUMULATIVE = list(itertools.accumulate(BURST_KIND_WEIGHTS))


def _channel(rng: random.Random) -> str:
    return CHANNELS[bisect.bisect(_CHANNELS_CUMULATIVE, rng.random() * _CHANNELS_CUMULATIVE[-1])]
