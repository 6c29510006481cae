"""The `health` projection: per-member periods and recorded-day deltas the health KPIs sum."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import UUID

import orjson
from psycopg import Cursor

from domain.feedback.events import Submitted as FeedbackSubmitted
from domain.health.periods import Granularity
from domain.interactions.interaction import Interaction
from domain.members.member import Member
from projections.feedback_interactions import interactions_of
from projections.health.periods import DAY, ROLLED_UP, period_start
from projections.health.statements import (
    ADD_COUNTS,
    ADD_DAILY,
    COUNTS_OF_MEMBER,
    DAILY_OF_MEMBER,
    FORGET_PERIODS,
    LOAD_MEMBERS,
    LOAD_PERIODS,
    SAVE_MEMBERS,
    SAVE_PERIODS,
)
from projections.projection import Projection

ALL = ""  # the channel (and kind) of rows for all channels
_FLAGS: dict[type[Any], tuple[str, bool]] = {
    Member.MarkedAsStaff: ("is_staff", True),
    Member.UnmarkedAsStaff: ("is_staff", False),
    Member.MarkedAsBot: ("is_bot", True),
    Member.UnmarkedAsBot: ("is_bot", False),
    Member.Erased: ("erased", True),
}
_MEMBERSHIP: tuple[type[Any], ...] = (Member.Joined, Member.Left, Member.Rejoined)


@dataclass
class _Member:
    """A member's health row as the page changes it."""

    joined_at: datetime | None = None
    left_at: datetime | None = None
    is_staff: bool = False
    is_bot: bool = False
    erased: bool = False
    first_at: datetime | None = None
    last_at: datetime | None = None

    @property
    def counted(self) -> bool:
        """Staff, bots and erased members are left out of every count."""
        return not (self.is_staff or self.is_bot or self.erased)


PeriodKey = tuple[UUID, str, date, str, str]


class HealthProjection(Projection):
    """Active, new and interaction counts per period, as known on each recorded day."""

    name: ClassVar[str] = "health"
    tables: ClassVar[tuple[str, ...]] = (
        "health_members",
        "health_member_periods",
        "health_counts",
        "health_daily",
    )
    topics: ClassVar[frozenset[str]] = frozenset(
        {
            Interaction.Recorded.TOPIC,
            FeedbackSubmitted.TOPIC,
            *(kind.TOPIC for kind in (*_FLAGS, *_MEMBERSHIP)),
        }
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply the page in log order; rows are read once and written once per page."""
        _Page(cursor, events).apply()


class _Page:
    """One page's work: member and period rows loaded, changed in memory, then saved."""

    def __init__(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        self.cursor = cursor
        self.events = events
        self.interactions = interactions_of(events)
        self.members = self._load_members()
        self.periods = self._load_periods()
        self.dirty: set[PeriodKey] = set()
        self.counts: dict[tuple[str, str, date, str, date], int] = defaultdict(int)
        self.daily: dict[tuple[date, str, str, date], int] = defaultdict(int)

    def apply(self) -> None:
        for event in self.events:
            if type(event) in _FLAGS:
                self._flag(event)
            elif isinstance(event, _MEMBERSHIP):
                self._membership(event)
            else:  # an interaction, or feedback read as one (or feedback that is not)
                for interaction in interactions_of((event,)):
                    self._interaction(interaction)
        self._save()
        self._save_members()

    def _load_members(self) -> dict[UUID, _Member]:
        ids = {e.member_id for e in self.interactions}
        ids |= {e.originator_id for e in self.events if isinstance(e, Member.Event)}
        found: dict[UUID, _Member] = defaultdict(_Member)
        if ids:
            self.cursor.execute(LOAD_MEMBERS, (list(ids),))
            for member_id, *fields in self.cursor.fetchall():
                found[member_id] = _Member(*fields)
        return found

    def _load_periods(self) -> dict[PeriodKey, list[Any]]:
        keys = {k for e in self.interactions for k in _period_keys(e)}
        if not keys:
            return {}
        rows = [{"m": m, "g": g, "p": p, "c": c, "k": k} for m, g, p, c, k in keys]
        self.cursor.execute(LOAD_PERIODS, (_json(rows),))
        return {tuple(row[:5]): list(row[5:]) for row in self.cursor.fetchall()}

    def _interaction(self, event: Any) -> None:
        member = self.members[event.member_id]
        if member.erased:
            return  # nothing is kept of an erased member
        counted, recorded = member.counted, event.timestamp
        day = recorded.astimezone(UTC).date()
        for key in _period_keys(event):
            row = self.periods.get(key)
            if row is None:
                row = self.periods[key] = [0, recorded]
                if counted and key[1] != DAY:
                    self.counts[(key[1], key[3], key[2], "active", day)] += 1
            row[0] += 1
            self.dirty.add(key)
            if counted and key[1] != DAY:
                self.counts[(key[1], key[3], key[2], "interactions", day)] += 1
            elif counted:
                self.daily[(key[2], key[3], key[4], day)] += 1
        occurred = event.occurred_at
        # "New" in the period of the first interaction ever: one that arrives late and
        # becomes the first moves the member from the later period to the earlier one.
        if member.first_at is None or occurred < member.first_at:
            if counted:
                for granularity in ROLLED_UP:
                    self._move_new(granularity, member.first_at, occurred, day)
            member.first_at = occurred
        if member.last_at is None or occurred > member.last_at:
            member.last_at = occurred

    def _move_new(
        self, granularity: Granularity, before: datetime | None, after: datetime, day: date
    ) -> None:
        start = period_start(granularity, after)
        if before is not None:
            previous = period_start(granularity, before)
            if previous == start:
                return
            self.counts[(granularity, ALL, previous, "new", day)] -= 1
        self.counts[(granularity, ALL, start, "new", day)] += 1

    def _flag(self, event: Any) -> None:
        """Staff, bot or erased now: the member's past contributions are taken out on the
        day it was recorded (and added back on the day they are counted again)."""
        member = self.members[event.originator_id]
        column, value = _FLAGS[type(event)]
        was_counted = member.counted
        setattr(member, column, value)
        day = event.timestamp.astimezone(UTC).date()
        if member.counted != was_counted:
            self._save()
            sign = 1 if member.counted else -1
            params = {"member": event.originator_id, "day": day, "sign": sign}
            self.cursor.execute(COUNTS_OF_MEMBER, params)
            self.cursor.execute(DAILY_OF_MEMBER, params)
            if member.first_at is not None:
                for granularity in ROLLED_UP:
                    start = period_start(granularity, member.first_at)
                    self.counts[(granularity, ALL, start, "new", day)] += sign
        if type(event) is Member.Erased:
            self._save()
            self.cursor.execute(FORGET_PERIODS, (event.originator_id,))
            self.periods = {k: v for k, v in self.periods.items() if k[0] != event.originator_id}

    def _membership(self, event: Any) -> None:
        member = self.members[event.originator_id]
        if type(event) is Member.Joined:
            member.joined_at = event.joined_at
        elif type(event) is Member.Left:
            member.left_at = event.left_at
        else:
            member.left_at = None

    def _save(self) -> None:
        """Write the changed period rows and the pending deltas (zero deltas too: a rebuild
        writes the same rows whatever the page size)."""
        if self.dirty:
            rows = [
                {"m": m, "g": g, "p": p, "c": c, "k": k, "n": r[0], "f": r[1]}
                for (m, g, p, c, k) in self.dirty
                for r in (self.periods[(m, g, p, c, k)],)
            ]
            self.cursor.execute(SAVE_PERIODS, (_json(rows),))
            self.dirty.clear()
        if self.counts:
            rows = [
                {"g": g, "c": c, "p": p, "m": m, "d": d, "n": n}
                for (g, c, p, m, d), n in self.counts.items()
            ]
            self.cursor.execute(ADD_COUNTS, (_json(rows),))
            self.counts.clear()
        if self.daily:
            rows = [
                {"p": p, "c": c, "k": k, "d": d, "n": n} for (p, c, k, d), n in self.daily.items()
            ]
            self.cursor.execute(ADD_DAILY, (_json(rows),))
            self.daily.clear()

    def _save_members(self) -> None:
        if not self.members:
            return
        rows = [
            {
                "m": m,
                "j": s.joined_at,
                "l": s.left_at,
                "s": s.is_staff,
                "b": s.is_bot,
                "e": s.erased,
                "f": s.first_at,
                "a": s.last_at,
            }
            for m, s in self.members.items()
        ]
        self.cursor.execute(SAVE_MEMBERS, (_json(rows),))


def _period_keys(event: Any) -> list[PeriodKey]:
    """The member's period rows an interaction adds to: week and month for all channels and
    for its channel, and its day, channel and kind."""
    keys: list[PeriodKey] = [
        (event.member_id, DAY, period_start(DAY, event.occurred_at), event.channel, event.kind)
    ]
    for granularity in ROLLED_UP:
        start = period_start(granularity, event.occurred_at)
        keys.append((event.member_id, granularity, start, ALL, ALL))
        keys.append((event.member_id, granularity, start, event.channel, ALL))
    return keys


def _json(rows: list[dict[str, Any]]) -> str:
    return orjson.dumps(rows).decode()
