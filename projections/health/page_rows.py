"""The rows one page of the `health` projection reads before it changes them in memory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import orjson
from psycopg import Cursor

from domain.members.member import Member
from projections.health.member_rows import ALL, HealthMember
from projections.health.periods import DAY, ROLLED_UP, day_of, period_of
from projections.health.statements import (
    ADD_COUNTS,
    ADD_DAILY,
    DAYS_OF_MEMBERS,
    LOAD_LASTS,
    LOAD_MEMBERS,
    LOAD_PERIODS,
    ROWS_OF_MEMBERS,
    SAVE_LASTS,
    SAVE_MEMBERS,
    SAVE_PERIODS,
)

PeriodKey = tuple[UUID, str, date, str, str]


@dataclass(frozen=True)
class Routed:
    """An interaction through a merged member's identity, as its person's (persons.py)."""

    member_id: UUID
    channel: str
    kind: str
    occurred_at: datetime
    timestamp: datetime
    thread_ref: str | None


def as_person(event: Any, person: UUID) -> Routed:
    """The interaction as the person's."""
    return Routed(
        person, event.channel, event.kind, event.occurred_at, event.timestamp, event.thread_ref
    )


@dataclass
class PageRows:
    """Members, their period rows and last interactions, as the page found them."""

    members: dict[UUID, HealthMember]
    periods: dict[PeriodKey, list[Any]]
    lasts: dict[tuple[UUID, str], datetime]
    # Every active day of the members whose days arrive out of order in the page.
    days: dict[tuple[UUID, str], set[date]]
    # The (granularity, period) rows each member has, all channels.
    opened: dict[UUID, set[tuple[str, date]]]


def load_rows(cursor: Cursor[Any], events: Sequence[Any], interactions: Sequence[Any]) -> PageRows:
    """What the page's events touch, read in a few statements: merged members' persons
    too, and their rows that the page's interactions through them add to."""
    members = _members(cursor, events, interactions)
    persons = {m.counted_as for m in members.values() if m.counted_as is not None}
    if persons:
        members.update(members_of(cursor, persons))
    routed = [
        as_person(e, person)
        for e in interactions
        if (person := members[e.member_id].counted_as) is not None
    ]
    touched = [*interactions, *routed]
    rows = PageRows(
        members=members,
        periods=_periods(cursor, touched),
        lasts=lasts_of(cursor, members),
        days={},
        opened=defaultdict(set),
    )
    _preload(cursor, rows, touched)
    return rows


def period_keys(event: Any) -> list[PeriodKey]:
    """The member's period rows an interaction adds to: week and month for all channels and
    for its channel, and its day, channel and kind."""
    member, channel, active = event.member_id, event.channel, day_of(event.occurred_at)
    keys: list[PeriodKey] = [(member, DAY, active, channel, event.kind)]
    for granularity in ROLLED_UP:
        start = period_of(granularity, active)
        keys.append((member, granularity, start, ALL, ALL))
        keys.append((member, granularity, start, channel, ALL))
    return keys


def as_json(rows: list[dict[str, Any]]) -> str:
    """Rows for a json_to_recordset parameter."""
    return orjson.dumps(rows).decode()


def save_members(cursor: Cursor[Any], members: dict[UUID, HealthMember]) -> None:
    """The page's members' rows, as it leaves them."""
    if not members:
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
            "g": s.stage,
            "c": s.source,
            "x": s.counted_as,
            "o": s.person_of,
        }
        for m, s in members.items()
    ]
    cursor.execute(SAVE_MEMBERS, (as_json(rows),))


def _members(
    cursor: Cursor[Any], events: Sequence[Any], interactions: Sequence[Any]
) -> dict[UUID, HealthMember]:
    ids = {e.member_id for e in interactions}
    ids |= {e.originator_id for e in events if isinstance(e, Member.Event)}
    found: dict[UUID, HealthMember] = defaultdict(HealthMember)
    found.update(members_of(cursor, ids))
    return found


def members_of(cursor: Cursor[Any], ids: Iterable[UUID]) -> dict[UUID, HealthMember]:
    """These members' stored rows (those without one left out)."""
    wanted = list(ids)
    if not wanted:
        return {}
    cursor.execute(LOAD_MEMBERS, (wanted,))
    return {member_id: HealthMember(*fields) for member_id, *fields in cursor.fetchall()}


def _periods(cursor: Cursor[Any], interactions: Sequence[Any]) -> dict[PeriodKey, list[Any]]:
    keys = {k for e in interactions for k in period_keys(e)}
    if not keys:
        return {}
    rows = [{"m": m, "g": g, "p": p, "c": c, "k": k} for m, g, p, c, k in keys]
    cursor.execute(LOAD_PERIODS, (as_json(rows),))
    return {tuple(row[:5]): list(row[5:]) for row in cursor.fetchall()}


def lasts_of(cursor: Cursor[Any], members: Iterable[UUID]) -> dict[tuple[UUID, str], datetime]:
    """These members' last interaction per channel ('' all channels)."""
    wanted = list(members)
    if not wanted:
        return {}
    cursor.execute(LOAD_LASTS, (wanted,))
    return {(m, c): a for m, c, a in cursor.fetchall()}


def _preload(cursor: Cursor[Any], rows: PageRows, interactions: Sequence[Any]) -> None:
    """All the rows and active days of the members whose days arrive out of order or whose
    first interaction moves earlier in this page: loaded once, not per event."""
    last_day = {key: day_of(at) for key, at in rows.lasts.items()}
    first = {m: s.first_at for m, s in rows.members.items()}
    late, moved = set(), set()
    for event in interactions:
        member, active = event.member_id, day_of(event.occurred_at)
        for scope in (ALL, event.channel):
            previous = last_day.get((member, scope))
            if previous is not None and active < previous:
                late.add(member)
            if previous is None or active > previous:
                last_day[(member, scope)] = active
        if first.get(member) is not None and event.occurred_at < first[member]:
            moved.add(member)
        if first.get(member) is None or event.occurred_at < first[member]:
            first[member] = event.occurred_at
    if late or moved:
        found = cursor.execute(ROWS_OF_MEMBERS, (list(late | moved),)).fetchall()
        for member, granularity, period, channel, n, recorded, silence in found:
            rows.periods.setdefault(
                (member, granularity, period, channel, ALL), [n, recorded, silence]
            )
    if late:
        for member, day, channel in cursor.execute(DAYS_OF_MEMBERS, (list(late),)).fetchall():
            rows.days.setdefault((member, ALL), set()).add(day)
            rows.days.setdefault((member, channel), set()).add(day)
        for member in late:
            rows.days.setdefault((member, ALL), set())
    for member, granularity, period, channel, _ in rows.periods:
        if channel == ALL and granularity != DAY:
            rows.opened[member].add((granularity, period))


def save_periods(
    cursor: Cursor[Any], periods: dict[PeriodKey, list[Any]], dirty: set[PeriodKey]
) -> None:
    """The period rows a page changed (`dirty`, emptied)."""
    if dirty:
        rows = [
            {"m": m, "g": g, "p": p, "c": c, "k": k, "n": r[0], "f": r[1], "s": r[2]}
            for (m, g, p, c, k) in dirty
            for r in (periods[(m, g, p, c, k)],)
        ]
        cursor.execute(SAVE_PERIODS, (as_json(rows),))
        dirty.clear()


def save_lasts(
    cursor: Cursor[Any],
    lasts: dict[tuple[UUID, str], datetime],
    dirty: set[tuple[UUID, str]],
) -> None:
    """The members' last interactions a page changed (`dirty`, emptied)."""
    if dirty:
        rows = [{"m": m, "c": c, "a": lasts[(m, c)]} for m, c in dirty]
        cursor.execute(SAVE_LASTS, (as_json(rows),))
        dirty.clear()


def add_counts(
    cursor: Cursor[Any],
    counts: dict[tuple[str, str, date, str, date], int],
    daily: dict[tuple[date, str, str, date], int],
) -> None:
    """A page's deltas to the period counts and to the daily ones (both emptied)."""
    if counts:
        rows = [
            {"g": g, "c": c, "p": p, "m": m, "d": d, "n": n}
            for (g, c, p, m, d), n in counts.items()
        ]
        cursor.execute(ADD_COUNTS, (as_json(rows),))
        counts.clear()
    if daily:
        rows = [{"p": p, "c": c, "k": k, "d": d, "n": n} for (p, c, k, d), n in daily.items()]
        cursor.execute(ADD_DAILY, (as_json(rows),))
        daily.clear()
