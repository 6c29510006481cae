"""One page of the live `health` projection: rows loaded once, changed in memory, saved once."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor

from domain.health.periods import Granularity
from domain.members.member import Member
from projections.feedback_interactions import interactions_of
from projections.health.member_rows import (
    ALL,
    HealthMember,
    add_member,
    following,
    move_cohort,
)
from projections.health.page_rows import (
    PeriodKey,
    add_counts,
    as_person,
    load_rows,
    period_keys,
    save_lasts,
    save_members,
    save_periods,
)
from projections.health.periods import DAY, ROLLED_UP, day_of, period_of, period_start
from projections.health.rollups import Rollups, period_silence, silence_weeks, stage_bucket
from projections.health.spike_rollups import SpikeRollups
from projections.health.stage_moves import StageMoves
from projections.health.statements import (
    COUNTS_OF_MEMBER,
    DAILY_OF_MEMBER,
    FORGET_LASTS,
    FORGET_PERIODS,
)

FLAGS: dict[type[Any], tuple[str, bool]] = {
    Member.MarkedAsStaff: ("is_staff", True),
    Member.UnmarkedAsStaff: ("is_staff", False),
    Member.MarkedAsBot: ("is_bot", True),
    Member.UnmarkedAsBot: ("is_bot", False),
    Member.Erased: ("erased", True),
}
MEMBERSHIP: tuple[type[Any], ...] = (Member.Joined, Member.Left, Member.Rejoined)
STAGES: tuple[type[Any], ...] = (Member.StageChanged, Member.Left, Member.Rejoined)


class Page:
    """One page's work: member and period rows loaded, changed in memory, then saved."""

    def __init__(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        self.cursor = cursor
        self.events = events
        self.interactions = interactions_of(events)
        loaded = load_rows(cursor, events, self.interactions)
        self.members, self.periods, self.lasts = loaded.members, loaded.periods, loaded.lasts
        # Members whose days arrive out of order or whose first interaction moves earlier
        # in this page: all their rows (and active days) loaded once, not per event.
        self.days, self.opened = loaded.days, loaded.opened
        self.dirty: set[PeriodKey] = set()
        self.dirty_lasts: set[tuple[UUID, str]] = set()
        self.counts: dict[tuple[str, str, date, str, date], int] = defaultdict(int)
        self.daily: dict[tuple[date, str, str, date], int] = defaultdict(int)
        self.rollups = Rollups()
        self.spikes = SpikeRollups()
        self.stages = StageMoves()

    def apply(self) -> None:
        for event in self.events:
            if not isinstance(event, Member.Event):
                # an interaction, or feedback read as one (or feedback that is not); one
                # through a merged member's identity is its person's too
                for interaction in interactions_of((event,)):
                    self._interaction(interaction)
                    person = self.members[interaction.member_id].counted_as
                    if person is not None:
                        self._interaction(as_person(interaction, person))
                continue
            for member_id in following(self.members, event.originator_id):
                if type(event) in FLAGS:
                    self._flag(event, member_id)
                if isinstance(event, MEMBERSHIP):
                    self._membership(event, member_id)
                if isinstance(event, STAGES):
                    self._stage(event, member_id)
        self.save()
        save_members(self.cursor, self.members)

    def _interaction(self, event: Any) -> None:
        member_id, member = event.member_id, self.members[event.member_id]
        if member.erased:
            return  # nothing is kept of an erased member
        counted, recorded, occurred = member.counted, event.timestamp, event.occurred_at
        day = recorded.astimezone(UTC).date()
        first = occurred if member.first_at is None else min(member.first_at, occurred)
        if counted and member.first_at is not None and first != member.first_at:
            # A late first interaction moves the member's active periods to its cohort.
            move_cohort(self.rollups, self.opened[member_id], member.first_at, first)
        stage = stage_bucket(member.stage)
        for key in period_keys(event):
            granularity, period, channel = key[1], key[2], key[3]
            row = self.periods.get(key)
            if row is None:
                row = self.periods[key] = [0, recorded, None]
                self.stages.created(member_id, granularity, channel, period)
                if granularity != DAY and channel == ALL:
                    self.opened[member_id].add((granularity, period))
                if counted and granularity != DAY:
                    self.counts[(granularity, channel, period, "active", day)] += 1
                    self.rollups.add(granularity, channel, period, "stage", stage, day, 1)
                    if channel == ALL:
                        cohort = period_of(granularity, day_of(first))
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
            if (member_id, ALL) in self.days:
                self.days.setdefault((member_id, scope), set()).add(day_of(occurred))
            self._silence_and_last(member_id, scope, occurred, counted, day)
        # "New" in the period of the first interaction ever: one that arrives late and
        # becomes the first moves the member from the later period to the earlier one.
        self.spikes.interaction(member_id, event, counted, day)
        if first != member.first_at:
            if counted:
                for granularity in ROLLED_UP:
                    self._move_new(granularity, member.first_at, first, day)
                self.spikes.newcomer(member.first_at, member.source, first, member.source, day)
            member.first_at = first
        if member.last_at is None or occurred > member.last_at:
            member.last_at = occurred

    def _silence_and_last(
        self, member_id: UUID, scope: str, occurred: datetime, counted: bool, day: date
    ) -> None:
        """The silence before the new active day, and the member's last interaction."""
        last = self.lasts.get((member_id, scope))
        if last is not None:
            active, previous = day_of(occurred), day_of(last)
            if active > previous:  # in order: only the new day's period can change
                weeks = silence_weeks(previous, active)
                for granularity in ROLLED_UP:
                    key = (member_id, granularity, period_of(granularity, active), scope, ALL)
                    self._set_silence(key, weeks, counted, day, at_least=True)
            elif active < previous:  # late: the silences of its period and the next change
                self._resilence(member_id, scope, active, counted, day)
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

    def _resilence(
        self, member_id: UUID, scope: str, active: date, counted: bool, day: date
    ) -> None:
        """The silences a late active day changes: its period's and that of the day after
        it (whose silence it shortens); the others keep theirs."""
        known = sorted(self.days[(member_id, scope)])
        after = bisect_left(known, active) + 1
        touched = (active, known[after]) if after < len(known) else (active,)
        for granularity in ROLLED_UP:
            for period in {period_of(granularity, d) for d in touched}:
                weeks = period_silence(known, granularity, period)
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

    def _flag(self, event: Any, member_id: UUID) -> None:
        """Staff, bot or erased now: the member's past contributions are taken out on the
        day it was recorded (and added back on the day they are counted again)."""
        member = self.members[member_id]
        column, value = FLAGS[type(event)]
        was_counted = member.counted
        setattr(member, column, value)
        day = event.timestamp.astimezone(UTC).date()
        if member.counted != was_counted:
            self.contribute(member_id, 1 if member.counted else -1, day)
        if type(event) is Member.Erased:
            self.save()
            self.spikes.forget(self.cursor, member_id)
            self.cursor.execute(FORGET_PERIODS, (member_id,))
            self.cursor.execute(FORGET_LASTS, (member_id,))
            self.periods = {k: v for k, v in self.periods.items() if k[0] != member_id}
            self.lasts = {k: v for k, v in self.lasts.items() if k[0] != member_id}
            self.dirty_lasts = {k for k in self.dirty_lasts if k[0] != member_id}

    def contribute(self, member_id: UUID, sign: int, day: date) -> None:
        """The member's whole contribution added (sign 1) or taken out (-1) on `day`, from
        their stored rows (the page's pending ones saved first)."""
        self.save()
        member = self.members[member_id]
        params = {"member": member_id, "day": day, "sign": sign}
        self.cursor.execute(COUNTS_OF_MEMBER, params)
        self.cursor.execute(DAILY_OF_MEMBER, params)
        lasts = {c: a for (m, c), a in self.lasts.items() if m == member_id}
        add_member(self.cursor, self.rollups, member_id, member, lasts, sign, day)
        if member.first_at is not None:
            for granularity in ROLLED_UP:
                start = period_start(granularity, member.first_at)
                self.counts[(granularity, ALL, start, "new", day)] += sign
        self.spikes.member(self.cursor, member_id, member.first_at, member.source, sign, day)

    def _membership(self, event: Any, member_id: UUID) -> None:
        member = self.members[member_id]
        if member.counted:
            self.rollups.joined(member.joined_at, member.left_at, -1)
        if type(event) is Member.Joined:
            member.joined_at = event.joined_at
            self._source(member, event)
        elif type(event) is Member.Left:
            member.left_at = event.left_at
        else:
            member.left_at = None
        if member.counted:
            self.rollups.joined(member.joined_at, member.left_at, 1)

    def _source(self, member: HealthMember, event: Any) -> None:
        """The channel the member joined from: their newcomer row moves to it (on the
        day recorded) if an interaction came first."""
        if member.counted and member.first_at is not None:
            day = event.timestamp.astimezone(UTC).date()
            first = member.first_at
            self.spikes.newcomer(first, member.source, first, event.source_channel, day)
        member.source = event.source_channel

    def _stage(self, event: Any, member_id: UUID) -> None:
        """The member's stage now (as lifecycle reads it): their active periods move to it."""
        member = self.members[member_id]
        if type(event) is Member.StageChanged:
            stage = event.stage
        else:
            stage = "left" if type(event) is Member.Left else "returning"
        if member.counted and not member.erased:
            day = event.timestamp.astimezone(UTC).date()
            self.stages.move(self.rollups, member_id, member.stage, stage, day)
        member.stage = stage

    def save(self) -> None:
        """Write the changed rows and the pending deltas (zero deltas too: a rebuild
        writes the same rows whatever the page size)."""
        self.stages.flush(self.cursor, self.rollups)
        save_periods(self.cursor, self.periods, self.dirty)
        save_lasts(self.cursor, self.lasts, self.dirty_lasts)
        add_counts(self.cursor, self.counts, self.daily)
        self.rollups.save(self.cursor)
        self.spikes.save(self.cursor)
