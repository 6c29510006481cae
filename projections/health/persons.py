"""Merged members in the health read model: the person they make is counted once.

Each member's rows stay its own: what came through its identities, kept whether it counts
or not (as a staff member's are). While members are merged, the person they make has rows
of its own under a key of the merge (`person_key`): both histories, as if one member had
lived them, following the target's flags, membership and stage; the members count as
the person, never apart. A merge or an unmerge recorded on day D takes out, on D, what
counted before it and adds, on D, what counts after it (from the rows, as a staff flag
does), so answers as of days before D never change. An unmerge deletes the person's rows:
the members count apart again, exactly as their own rows make them.

A key is made per grouping, not per target: a person's history is fixed for the life of
its key, which is what lets the set-based rebuild treat it as one more member whose
counting starts and stops (projections/health/replay_persons.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid5

from psycopg import Cursor

from domain.members.member import Member
from projections.health.member_rows import HealthMember
from projections.health.page import Page
from projections.health.page_rows import lasts_of, members_of, save_members
from projections.health.replay_sql import period
from projections.health.rollups import SILENCE_CAP
from projections.health.spike_rollups import FORGET_THREADS
from projections.health.statements import FORGET_LASTS, FORGET_PERIODS

MERGE_EVENTS: tuple[type[Member.Event], ...] = (Member.MergedInto, Member.SplitOff)
# The keys of persons: never a member's id (members' ids are random, version 4).
PERSONS = UUID("6f1d3c52-52a4-4c8e-9a43-3c1b2f7e8d10")

MEMBERS_OF_PERSON = "SELECT member_id FROM health_members WHERE counted_as = %s"
COUNT_AS = """
INSERT INTO health_members (member_id, counted_as) SELECT unnest(%(members)s::uuid[]), %(person)s
ON CONFLICT (member_id) DO UPDATE SET counted_as = EXCLUDED.counted_as
"""
FORGET_PERSON = "DELETE FROM health_members WHERE member_id = %s"
# The person's rows from its members' own: interactions summed, first recorded the
# earliest; a period's silence the longest before one of its days, from every member's
# active days (as a rebuild computes it, projections/health/replay_state_sql.py).
BUILD_PERIODS = f"""
INSERT INTO health_member_periods (member_id, granularity, period, channel, kind,
    interactions, first_recorded_at, silence)
SELECT %(person)s, 'day', period, channel, kind, sum(interactions), min(first_recorded_at), NULL
FROM health_member_periods WHERE member_id = ANY(%(members)s) AND granularity = 'day'
GROUP BY period, channel, kind
UNION ALL
SELECT %(person)s, d.g, d.p, d.scope, '', d.n, d.f, s.silence FROM (
    SELECT granularity AS g, period AS p, channel AS scope, sum(interactions) AS n,
        min(first_recorded_at) AS f
    FROM health_member_periods WHERE member_id = ANY(%(members)s) AND granularity <> 'day'
    GROUP BY 1, 2, 3
) AS d LEFT JOIN (
    SELECT g, scope, {period("g", "oday")} AS p, max(weeks) AS silence FROM (
        SELECT scope, oday, CASE WHEN pred IS NULL THEN NULL
            ELSE least((oday - pred - 1) / 7, %(cap)s) END AS weeks
        FROM (SELECT *, lag(oday) OVER (PARTITION BY scope ORDER BY oday) AS pred FROM (
            SELECT DISTINCT s.scope, h.period AS oday FROM health_member_periods h,
                LATERAL (VALUES (''), (h.channel)) AS s(scope)
            WHERE h.member_id = ANY(%(members)s) AND h.granularity = 'day'
        ) AS a) AS b
    ) AS o, (VALUES ('week'), ('month')) AS gg(g)
    GROUP BY 1, 2, 3
) AS s USING (g, scope, p)
"""
BUILD_LASTS = """
INSERT INTO health_member_lasts (member_id, channel, last_at)
SELECT %(person)s, channel, max(last_at) FROM health_member_lasts
WHERE member_id = ANY(%(members)s) GROUP BY channel
"""
BUILD_THREADS = """
INSERT INTO health_member_threads (member_id, day, thread_ref, channel, kind, interactions)
SELECT %(person)s, day, thread_ref, channel, kind, sum(interactions) FROM health_member_threads
WHERE member_id = ANY(%(members)s) GROUP BY 2, 3, 4, 5
"""


def person_key(event: Any) -> UUID:
    """The key of the person a merge (or an unmerge that leaves others merged) makes."""
    step = "merged" if type(event) is Member.MergedInto else "unmerged"
    return uuid5(PERSONS, f"{event.merge_id}/{step}")


def grouping(
    event: Any, target: HealthMember, members_of_person: Sequence[UUID]
) -> tuple[list[UUID], list[UUID], UUID | None]:
    """(the members before, after, the new person's key or None) of a merge or unmerge:
    before, the target alone or its person's members."""
    source, target_id = event.originator_id, event.target_id
    before = list(members_of_person) if target.counted_as is not None else [target_id]
    if type(event) is Member.MergedInto:
        after = [*before, source]
    else:
        after = [m for m in before if m != source]
    return before, after, person_key(event) if len(after) > 1 else None


def person_row(members: dict[UUID, HealthMember], target: UUID) -> HealthMember:
    """The person's row: the target's flags, membership and stage, the earliest join, both
    histories' first and last interactions, and the channel of the member who joined first."""
    found, own = list(members.values()), members[target]
    first = min(
        members,
        key=lambda m: (members[m].joined_at or datetime.max.replace(tzinfo=UTC), m != target),
    )
    joins = [m.joined_at for m in found if m.joined_at is not None]
    firsts = [m.first_at for m in found if m.first_at is not None]
    lasts = [m.last_at for m in found if m.last_at is not None]
    return HealthMember(
        joined_at=min(joins, default=None),
        left_at=own.left_at,
        is_staff=own.is_staff,
        is_bot=own.is_bot,
        erased=own.erased,
        first_at=min(firsts, default=None),
        last_at=max(lasts, default=None),
        stage=own.stage,
        source=members[first].source,
        person_of=target,
    )


def regroup(cursor: Cursor[Any], event: Any) -> None:
    """Apply a merge or unmerge: what counted taken out, the persons' rows made again,
    what counts now added, all on the day it was recorded."""
    source, target = event.originator_id, event.target_id
    day = event.timestamp.astimezone(UTC).date()
    found = members_of(cursor, [target])
    old = found[target].counted_as if target in found else None
    grouped = [r[0] for r in cursor.execute(MEMBERS_OF_PERSON, (old,))] if old else []
    before, after, new = grouping(event, found.get(target, HealthMember()), grouped)
    _count(cursor, [old or target, source], -1, day)
    if old is not None:
        _forget(cursor, old)
    leaving = [m for m in {*before, source} if m not in after or new is None]
    cursor.execute(COUNT_AS, {"members": leaving, "person": None})
    if new is not None:
        cursor.execute(COUNT_AS, {"members": after, "person": new})
        _build(cursor, new, after, target)
    _count(cursor, [new or target, source], 1, day)


def _count(cursor: Cursor[Any], ids: Collection[UUID], sign: int, day: date) -> None:
    """The contributions of those of these members and persons who count, on `day`."""
    page = Page(cursor, ())
    page.members.update(members_of(cursor, ids))
    page.lasts.update(lasts_of(cursor, ids))
    for member_id in dict.fromkeys(ids):
        if member_id in page.members and page.members[member_id].counted:
            page.contribute(member_id, sign, day)
    page.save()


def _forget(cursor: Cursor[Any], person: UUID) -> None:
    for statement in (FORGET_PERIODS, FORGET_LASTS, FORGET_THREADS, FORGET_PERSON):
        cursor.execute(statement, (person,))


def _build(cursor: Cursor[Any], person: UUID, members: Iterable[UUID], target: UUID) -> None:
    chosen = list(members)
    params = {"person": person, "members": chosen, "cap": SILENCE_CAP}
    for statement in (BUILD_PERIODS, BUILD_LASTS, BUILD_THREADS):
        cursor.execute(statement, params)
    save_members(cursor, {person: person_row(members_of(cursor, chosen), target)})
