"""The `health` projection: per-member periods and recorded-day deltas the health KPIs sum."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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
from projections.health.member_rows import (
    ALL,
    HealthMember,
    add_member,
    move_cohort,
    move_stage,
)
from projections.health.periods import DAY, ROLLED_UP, period_start
from projections.health.replay_staging import ReplayStaging
from projections.health.rollups import Rollups, silence_weeks, silences, stage_bucket, utc_day
from projections.health.statements import (
    ADD_COUNTS,
    ADD_DAILY,
    COUNTS_OF_MEMBER,
    DAILY_OF_MEMBER,
    DAYS_OF_MEMBER,
    FORGET_LASTS,
    FORGET_PERIODS,
    LOAD_LASTS,
    LOAD_MEMBERS,
    LOAD_PERIODS,
    ROWS_OF_MEMBER,
    SAVE_LASTS,
    SAVE_MEMBERS,
    SAVE_PERIODS,
)
from projections.projection import Projection

_FLAGS: dict[type[Any], tuple[str, bool]] = {
    Member.MarkedAsStaff: ("is_staff", True),
    Member.UnmarkedAsStaff: ("is_staff", False),
    Member.MarkedAsBot: ("is_bot", True),
    Member.UnmarkedAsBot: ("is_bot", False),
    Member.Erased: ("erased", True),
}
_MEMBERSHIP: tuple[type[Any], ...] = (Member.Joined, Member.Left, Member.Rejoined)
_STAGES: tuple[type[Any], ...] = (Member.StageChanged, Member.Left, Member.Rejoined)
STAGING = (
    "health_replay_interactions",
    "health_replay_members",
    "health_replay_flags",
    "health_replay_stages",
)

PeriodKey = tuple[UUID, str, date, str, str]


class HealthProjection(Projection):
    """Active, new and interaction counts per period, as known on each recorded day."""

    name: ClassVar[str] = "health"
    tables: ClassVar[tuple[str, ...]] = (
        "health_members",
        "health_member_periods",
        "health_counts",
        "health_daily",
        "health_member_lasts",
        "health_rollups",
        "health_rollup_totals",
        "health_membership_days",
        "health_cohorts",
        *STAGING,
    )
    # A rebuild stages the log (nothing to strip: the staging tables have no index) and
    # fills every table set-based at the end (projections/health/replay.py).
    replay_tables: ClassVar[tuple[str, ...]] = ("health_replay_interactions",)
    topics: ClassVar[frozenset[str]] = frozenset(
        {
            Interaction.Recorded.TOPIC,
            FeedbackSubmitted.TOPIC,
            *(kind.TOPIC for kind in (*_FLAGS, *_MEMBERSHIP, *_STAGES)),
        }
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply the page in log order; rows are read once and written once per page."""
        _Page(cursor, events).apply()

    def apply_replay(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Stage the page's interactions and member changes (COPY): nothing is summed yet."""
        ReplayStaging(cursor).stage(events)

    def finish_replay(self, cursor: Cursor[Any]) -> None:
        """Every health table from the staged log, in a few set-based statements."""
        from projections.health.replay import replay_staged

        replay_staged(cursor)


class _Page:
    """One page's work: member and period rows loaded, changed in memory, then saved."""

    def __init__(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        self.cursor = cursor
        self.events = events
        self.interactions = interactions_of(events)
        self.members = self._load_members()
        self.periods = self._load_periods()
        self.lasts = self._load_lasts()
        self.dirty: set[PeriodKey] = set()
        self.dirty_lasts: set[tuple[UUID, str]] = set()
        self.counts: dict[tuple[str, str, date, str, date], int] = defaultdict(int)
        self.daily: dict[tuple[date, str, str, date], int] = defaultdict(int)
        self.rollups = Rollups()

    def apply(self) -> None:
        for event in self.events:
            if type(event) in _FLAGS:
                self._flag(event)
            if isinstance(event, _MEMBERSHIP):
                self._membership(event)
            if isinstance(event, _STAGES):
                self._stage(event)
            if not isinstance(event, Member.Event):
                # an interaction, or feedback read as one (or feedback that is not)
                for interaction in interactions_of((event,)):
                    self._interaction(interaction)
        self._save()
        self._save_members()

    def _load_members(self) -> dict[UUID, HealthMember]:
        ids = {e.member_id for e in self.interactions}
        ids |= {e.originator_id for e in self.events if isinstance(e, Member.Event)}
        found: dict[UUID, HealthMember] = defaultdict(HealthMember)
        if ids:
            self.cursor.execute(LOAD_MEMBERS, (list(ids),))
            for member_id, *fields in self.cursor.fetchall():
                found[member_id] = HealthMember(*fields)
        return found

    def _load_periods(self) -> dict[PeriodKey, list[Any]]:
        keys = {k for e in self.interactions for k in _period_keys(e)}
        if not keys:
            return {}
        rows = [{"m": m, "g": g, "p": p, "c": c, "k": k} for m, g, p, c, k in keys]
        self.cursor.execute(LOAD_PERIODS, (_json(rows),))
        return {tuple(row[:5]): list(row[5:]) for row in self.cursor.fetchall()}

    def _load_lasts(self) -> dict[tuple[UUID, str], datetime]:
        if not self.members:
            return {}
        self.cursor.execute(LOAD_LASTS, (list(self.members),))
        return {(m, c): a for m, c, a in self.cursor.fetchall()}

    def _interaction(self, event: Any) -> None:
        member_id, member = event.member_id, self.members[event.member_id]
        if member.erased:
            return  # nothing is kept of an erased member
        counted, recorded, occurred = member.counted, event.timestamp, event.occurred_at
        day = recorded.astimezone(UTC).date()
        first = occurred if member.first_at is None else min(member.first_at, occurred)
        if counted and member.first_at is not None and first != member.first_at:
            self._save()  # a late first interaction moves the member's cohort
            move_cohort(self.cursor, self.rollups, member_id, member.first_at, first)
        stage = stage_bucket(member.stage)
        for key in _period_keys(event):
            granularity, period, channel = key[1], key[2], key[3]
            row = self.periods.get(key)
            if row is None:
                row = self.periods[key] = [0, recorded, None]
                if counted and granularity != DAY:
                    self.counts[(granularity, channel, period, "active", day)] += 1
                    self.rollups.add(granularity, channel, period, "stage", stage, day, 1)
                    if channel == ALL:
                        cohort = period_start(Granularity(granularity), first)
                        self.rollups.cohorts[(granularity, cohort, period)] += 1
            row[0] += 1
            self.dirty.add(key)
            if counted and granularity != DAY:
                self.counts[(granularity, channel, period, "interactions", day)] += 1
                self.rollups.move(
                    granularity, channel, period, "count", row[0] - 1 or None, row[0], day
                )
            elif counted:
                self.daily[(period, channel, key[4], day)] += 1
        for scope in (ALL, event.channel):
            self._silence_and_last(member_id, scope, occurred, counted, day)
        # "New" in the period of the first interaction ever: one that arrives late and
        # becomes the first moves the member from the later period to the earlier one.
        if first != member.first_at:
            if counted:
                for granularity in ROLLED_UP:
                    self._move_new(granularity, member.first_at, first, day)
            member.first_at = first
        if member.last_at is None or occurred > member.last_at:
            member.last_at = occurred

    def _silence_and_last(
        self, member_id: UUID, scope: str, occurred: datetime, counted: bool, day: date
    ) -> None:
        """The silence before the new active day, and the member's last interaction."""
        last = self.lasts.get((member_id, scope))
        if last is not None:
            active, previous = utc_day(occurred), utc_day(last)
            if active > previous:  # in order: only the new day's period can change
                weeks = silence_weeks(previous, active)
                for granularity in ROLLED_UP:
                    key = (member_id, granularity, period_start(granularity, active), scope, ALL)
                    self._set_silence(key, weeks, counted, day, at_least=True)
            elif active < previous:  # late: the silences of its period and the next change
                self._resilence(member_id, scope, counted, day)
        if last is None or occurred > last:
            self.lasts[(member_id, scope)] = occurred
            self.dirty_lasts.add((member_id, scope))
            if counted:
                self.rollups.move_last(scope, last, occurred, day)

    def _set_silence(
        self, key: PeriodKey, weeks: int | None, counted: bool, day: date, *, at_least: bool
    ) -> None:
        row = self.periods[key]
        old = row[2]
        new = max(old, weeks) if at_least and old is not None and weeks is not None else weeks
        if new == old:
            return
        row[2] = new
        self.dirty.add(key)
        if counted:
            self.rollups.move(key[1], key[3], key[2], "silence", old, new, day)

    def _resilence(self, member_id: UUID, scope: str, counted: bool, day: date) -> None:
        """Every silence of the member on a channel again, from all their active days."""
        self._save()
        params = {"member": member_id, "channel": scope}
        days = [d for (d,) in self.cursor.execute(DAYS_OF_MEMBER, params).fetchall()]
        for granularity, period, channel, n, first, silence in self.cursor.execute(
            ROWS_OF_MEMBER, (member_id,)
        ).fetchall():
            key = (member_id, granularity, period, channel, ALL)
            if channel == scope and key not in self.periods:
                self.periods[key] = [n, first, silence]
        for granularity in ROLLED_UP:
            for period, weeks in silences(days, granularity).items():
                key = (member_id, granularity, period, scope, ALL)
                self._set_silence(key, weeks, counted, day, at_least=False)

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
        member_id, member = event.originator_id, self.members[event.originator_id]
        column, value = _FLAGS[type(event)]
        was_counted = member.counted
        setattr(member, column, value)
        day = event.timestamp.astimezone(UTC).date()
        if member.counted != was_counted:
            self._save()
            sign = 1 if member.counted else -1
            params = {"member": member_id, "day": day, "sign": sign}
            self.cursor.execute(COUNTS_OF_MEMBER, params)
            self.cursor.execute(DAILY_OF_MEMBER, params)
            lasts = {c: a for (m, c), a in self.lasts.items() if m == member_id}
            add_member(self.cursor, self.rollups, member_id, member, lasts, sign, day)
            if member.first_at is not None:
                for granularity in ROLLED_UP:
                    start = period_start(granularity, member.first_at)
                    self.counts[(granularity, ALL, start, "new", day)] += sign
        if type(event) is Member.Erased:
            self._save()
            self.cursor.execute(FORGET_PERIODS, (member_id,))
            self.cursor.execute(FORGET_LASTS, (member_id,))
            self.periods = {k: v for k, v in self.periods.items() if k[0] != member_id}
            self.lasts = {k: v for k, v in self.lasts.items() if k[0] != member_id}
            self.dirty_lasts = {k for k in self.dirty_lasts if k[0] != member_id}

    def _membership(self, event: Any) -> None:
        member = self.members[event.originator_id]
        if member.counted:
            self.rollups.joined(member.joined_at, member.left_at, -1)
        if type(event) is Member.Joined:
            member.joined_at = event.joined_at
        elif type(event) is Member.Left:
            member.left_at = event.left_at
        else:
            member.left_at = None
        if member.counted:
            self.rollups.joined(member.joined_at, member.left_at, 1)

    def _stage(self, event: Any) -> None:
        """The member's stage now (as lifecycle reads it): their active periods move to it."""
        member_id, member = event.originator_id, self.members[event.originator_id]
        if type(event) is Member.StageChanged:
            stage = event.stage
        else:
            stage = "left" if type(event) is Member.Left else "returning"
        if member.counted and not member.erased:
            self._save()
            day = event.timestamp.astimezone(UTC).date()
            move_stage(self.cursor, self.rollups, member_id, member.stage, stage, day)
        member.stage = stage

    def _save(self) -> None:
        """Write the changed rows and the pending deltas (zero deltas too: a rebuild
        writes the same rows whatever the page size)."""
        if self.dirty:
            rows = [
                {"m": m, "g": g, "p": p, "c": c, "k": k, "n": r[0], "f": r[1], "s": r[2]}
                for (m, g, p, c, k) in self.dirty
                for r in (self.periods[(m, g, p, c, k)],)
            ]
            self.cursor.execute(SAVE_PERIODS, (_json(rows),))
            self.dirty.clear()
        if self.dirty_lasts:
            rows = [{"m": m, "c": c, "a": self.lasts[(m, c)]} for m, c in self.dirty_lasts]
            self.cursor.execute(SAVE_LASTS, (_json(rows),))
            self.dirty_lasts.clear()
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
        self.rollups.save(self.cursor)

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
                "g": s.stage,
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
