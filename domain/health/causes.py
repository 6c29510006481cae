"""The likely causes of a spike: what carried its excess, ranked, each with a short reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class CauseKind(StrEnum):
    """Where a likely cause comes from."""

    CHANNEL = "channel"
    THREAD = "thread"
    NEWCOMERS = "newcomers"  # a burst of newcomers from one source
    FEEDBACK = "feedback"  # a feedback item that drew supporters
    EVENT = "event"  # a community event held in the period


@dataclass(frozen=True)
class Usage:
    """Something's activity in the spike period beside its usual level there."""

    name: str
    observed: float
    usual: float


@dataclass(frozen=True)
class CommunityEvent:
    """A community event (release, meetup, hackathon...) held in the spike period."""

    name: str
    held_on: date


@dataclass(frozen=True)
class Cause:
    """One likely cause; events carry no excess of their own, only their coincidence."""

    kind: CauseKind
    name: str
    excess: float | None
    share: float | None  # excess / the spike's excess
    explanation: str


_UNITS = {
    CauseKind.CHANNEL: "interactions",
    CauseKind.THREAD: "interactions",
    CauseKind.NEWCOMERS: "newcomers",
    CauseKind.FEEDBACK: "supporters",
}


def likely_causes(
    *,
    excess: float,
    channels: Sequence[Usage],
    threads: Sequence[Usage],
    newcomers: Sequence[Usage] = (),
    feedback: Sequence[Usage] = (),
    events: Sequence[CommunityEvent] = (),
    limit: int = 10,
) -> list[Cause]:
    """The causes of a spike's `excess`, largest share first, then the events held.

    Channels and threads carried interactions above their usual level. Each newcomer and
    each supporter gained acts at least once, so their excess counts against the spike's
    too. Nothing below its usual level is a cause.
    """
    measured = [
        _measured(kind, usage, excess)
        for kind, usages in (
            (CauseKind.CHANNEL, channels),
            (CauseKind.THREAD, threads),
            (CauseKind.NEWCOMERS, newcomers),
            (CauseKind.FEEDBACK, feedback),
        )
        for usage in usages
        if usage.observed > usage.usual
    ]
    measured.sort(key=lambda cause: (-(cause.excess or 0.0), cause.kind, cause.name))
    held = [
        Cause(CauseKind.EVENT, e.name, None, None, f"{e.name} was held on {e.held_on:%Y-%m-%d}")
        for e in sorted(events, key=lambda e: (e.held_on, e.name))
    ]
    return (measured + held)[:limit]


def _measured(kind: CauseKind, usage: Usage, spike_excess: float) -> Cause:
    above = usage.observed - usage.usual
    share = above / spike_excess if spike_excess > 0 else None
    part = f", {share:.0%} of the excess" if share is not None else ""
    unit = _UNITS[kind]
    explanation = (
        f"{kind} {usage.name}: {usage.observed:g} {unit} against a usual "
        f"{usage.usual:g} (+{above:g}{part})"
    )
    return Cause(kind, usage.name, above, share, explanation)
