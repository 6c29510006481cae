"""A member's health row as a page changes it, and what the member adds to the rollups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.health.periods import Granularity
from projections.health.periods import ROLLED_UP, period_start
from projections.health.rollups import Rollups, stage_bucket
from projections.health.statements import ROWS_OF_MEMBER

ALL = ""  # the channel (and kind) of rows for all channels


@dataclass
class HealthMember:
    """A member's health row as the page changes it."""

    joined_at: datetime | None = None
    left_at: datetime | None = None
    is_staff: bool = False
    is_bot: bool = False
    erased: bool = False
    first_at: datetime | None = None
    last_at: datetime | None = None
    stage: str = ""
    source: str = ""  # the channel they joined from ('' not known)
    counted_as: UUID | None = None  # merged: the person counted instead (persons.py)
    person_of: UUID | None = None  # a person's row: the member it follows

    @property
    def counted(self) -> bool:
        """Staff, bots, erased and merged members are left out of every count (a merged
        member's person counts instead)."""
        return not (self.is_staff or self.is_bot or self.erased or self.counted_as)


def following(members: dict[UUID, HealthMember], member_id: UUID) -> tuple[UUID, ...]:
    """The member, and the person it makes with merged members if it is the member the
    person follows (its flags, membership and stage are the person's: persons.py)."""
    person = members[member_id].counted_as
    if person is not None and person in members and members[person].person_of == member_id:
        return (member_id, person)
    return (member_id,)


def add_member(
    cursor: Any,
    rollups: Rollups,
    member_id: object,
    member: HealthMember,
    lasts: dict[str, datetime],
    sign: int,
    day: date,
) -> None:
    """The member's whole contribution to the rollups, added (sign 1) or taken out (-1) on
    `day`, from their stored rows: what a staff, bot or erasure flag changes."""
    stage = stage_bucket(member.stage)
    for granularity, period, channel, interactions, _, silence in cursor.execute(
        ROWS_OF_MEMBER, (member_id,)
    ).fetchall():
        rollups.add(granularity, channel, period, "count", interactions, day, sign)
        rollups.add(granularity, channel, period, "stage", stage, day, sign)
        if silence is not None:
            rollups.add(granularity, channel, period, "silence", silence, day, sign)
        if channel == ALL and member.first_at is not None:
            cohort = period_start(Granularity(granularity), member.first_at)
            rollups.cohorts[(granularity, cohort, period)] += sign
    for channel, last_at in lasts.items():
        if sign > 0:
            rollups.move_last(channel, None, last_at, day)
        else:
            rollups.move_last(channel, last_at, None, day)
    rollups.joined(member.joined_at, member.left_at, sign)


def move_cohort(
    rollups: Rollups, opened: set[tuple[str, date]], before: datetime, after: datetime
) -> None:
    """A counted member's active periods (`opened`, all channels) from the cohort of
    `before` to that of `after`."""
    for granularity, period in opened:
        grain = Granularity(granularity)
        old, new = period_start(grain, before), period_start(grain, after)
        if old != new:
            rollups.cohorts[(granularity, old, period)] -= 1
            rollups.cohorts[(granularity, new, period)] += 1


__all__ = [
    "ALL",
    "ROLLED_UP",
    "HealthMember",
    "add_member",
    "following",
    "move_cohort",
]
