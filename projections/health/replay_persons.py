"""A rebuild's merges and unmerges, staged: each person is one more staged member whose
counting starts and stops (projections/health/persons.py says what a person is).

A new person is staged with both histories (every interaction its members' own rows hold
so far, and the target's stages), counted from the day of the merge; its members stop
counting on that day (a flag, as for staff); an unmerge stops the person (dissolved: its
rows are not written) and counts the members apart again. The set-based replay then
gives the deltas the live projection writes: what stops counting on a day is taken out
on it, what starts is added.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from psycopg import Cursor

from projections.health.persons import grouping, person_row
from projections.health.replay_staging import save_staged, staged_members

MEMBERS_OF_PERSON = "SELECT member_id FROM health_replay_members WHERE counted_as = %s"
DISSOLVE = """
UPDATE health_replay_members SET erased = true, dissolved = true, counted_as = NULL
WHERE member_id = %s
"""
FLAG = """
INSERT INTO health_replay_flags (member_id, recorded_at, counted, erased, seq)
SELECT * FROM unnest(%s::uuid[], %s::timestamptz[], %s::boolean[], %s::boolean[], %s::int8[])
"""
# The person's history: its members' staged interactions (in their log order), the
# target's stages.
COPY_INTERACTIONS = """
INSERT INTO health_replay_interactions (member_id, channel, kind, occurred_at, recorded_at,
    seq, thread_ref)
SELECT %(person)s, channel, kind, occurred_at, recorded_at, seq, thread_ref
FROM health_replay_interactions WHERE member_id = ANY(%(members)s)
"""
COPY_STAGES = """
INSERT INTO health_replay_stages (member_id, recorded_at, stage, seq)
SELECT %(person)s, recorded_at, stage, seq FROM health_replay_stages WHERE member_id = %(target)s
"""
# Before its merge a person counts for nothing: its deltas of the days before are added
# on the day it starts counting.
NEVER = datetime.min.replace(tzinfo=UTC)


def stage_regroup(cursor: Cursor[Any], event: Any, seq: int) -> None:
    """Stage a merge or unmerge (at its log-order number): who stops and starts counting,
    and the new person."""
    at = event.timestamp
    source, target = event.originator_id, event.target_id
    staged = staged_members(cursor, [source, target])
    old = staged[target].counted_as
    grouped = [r[0] for r in cursor.execute(MEMBERS_OF_PERSON, (old,))] if old else []
    before, after, new = grouping(event, staged[target], grouped)
    flags: list[tuple[Any, ...]] = []
    if old is not None:
        cursor.execute(DISSOLVE, (old,))
        flags.append((old, at, False, True, seq))
    members = staged_members(cursor, {*before, source})
    for member_id, member in members.items():
        member.counted_as = new if member_id in after else None
        flags.append((member_id, at, member.counted, member.erased, seq))
    save_staged(cursor, members)
    if new is not None:
        person = person_row({m: members[m] for m in after}, target)
        save_staged(cursor, {new: person})
        flags += [(new, NEVER, False, False, seq), (new, at, person.counted, False, seq)]
        params = {"person": new, "members": after, "target": target}
        cursor.execute(COPY_INTERACTIONS, params)
        cursor.execute(COPY_STAGES, params)
    cursor.execute(FLAG, [list(column) for column in zip(*flags, strict=True)])
