"""What the KPIs need to know of each counted member, as known at an instant (asOf)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.health.periods import utc_day


@dataclass(frozen=True)
class Spell:
    """A stretch of membership: from joining (or rejoining) until leaving, if they left."""

    joined: datetime
    left: datetime | None = None


@dataclass(frozen=True)
class MemberFacts:
    """One counted member's activity ever (up to asOf): enough for every KPI of any span."""

    member: str  # the member's id, as text
    first_interaction: datetime | None
    last_interaction: datetime | None
    # Interactions per UTC day: every period and inactive gap follows from these.
    daily: Mapping[date, int] = field(default_factory=dict)
    spells: tuple[Spell, ...] = ()

    def member_until(self, end: datetime) -> bool:
        """Whether the member had joined before `end` and had not left before it."""
        return any(s.joined < end and (s.left is None or s.left >= end) for s in self.spells)


@dataclass(frozen=True)
class MemberRecord:
    """A member as the read side holds it: flags as they are now, and membership spells."""

    member: str
    is_staff: bool = False
    is_bot: bool = False
    is_erased: bool = False
    spells: tuple[Spell, ...] = ()


@dataclass(frozen=True)
class InteractionSeen:
    """One interaction: when it happened, and when the event store recorded it."""

    member: str
    occurred_at: datetime
    recorded_at: datetime


def counted(record: MemberRecord) -> bool:
    """Staff, bots and erased members are left out of every community number."""
    return not (record.is_staff or record.is_bot or record.is_erased)


def member_facts(
    members: Iterable[MemberRecord], interactions: Iterable[InteractionSeen], *, as_of: datetime
) -> dict[str, MemberFacts]:
    """The facts of the counted members, from the interactions recorded by `as_of`.

    An interaction recorded later is unknown at `as_of`: it changes later answers only.
    """
    records = {r.member: r for r in members if counted(r)}
    seen: dict[str, list[datetime]] = {member: [] for member in records}
    for interaction in interactions:
        if interaction.member in seen and interaction.recorded_at <= as_of:
            seen[interaction.member].append(interaction.occurred_at)
    return {member: _facts(records[member], t, as_of) for member, t in seen.items()}


def _facts(record: MemberRecord, times: list[datetime], as_of: datetime) -> MemberFacts:
    return MemberFacts(
        member=record.member,
        first_interaction=min(times, default=None),
        last_interaction=max(times, default=None),
        daily=dict(Counter(utc_day(t) for t in times)),
        spells=spells_known(record.spells, as_of),
    )


def spells_known(spells: Iterable[Spell], as_of: datetime) -> tuple[Spell, ...]:
    """The spells as they stood at `as_of`: later joins unknown, later departures not yet."""
    return tuple(
        Spell(s.joined, s.left if s.left is not None and s.left <= as_of else None)
        for s in spells
        if s.joined <= as_of
    )
