"""A rebuild's pages staged for the set-based replay: interactions and member changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

import orjson
from psycopg import Cursor, sql

from domain.members.member import Member
from projections.feedback_interactions import interactions_of
from projections.health.member_rows import HealthMember, following
from projections.health.page import FLAGS
from projections.plain_events import LogSpan

LOAD = """
SELECT member_id, joined_at, left_at, is_staff, is_bot, erased, source_channel, counted_as,
    person_of
FROM health_replay_members WHERE member_id = ANY(%s)
"""
SAVE = """
INSERT INTO health_replay_members AS h (member_id, joined_at, left_at, is_staff, is_bot, erased,
    source_channel, counted_as, person_of)
SELECT * FROM json_to_recordset(%s::json) AS r(m uuid, j timestamptz, l timestamptz,
    s boolean, b boolean, e boolean, c text, x uuid, o uuid)
ON CONFLICT (member_id) DO UPDATE SET joined_at = EXCLUDED.joined_at,
    left_at = EXCLUDED.left_at, is_staff = EXCLUDED.is_staff, is_bot = EXCLUDED.is_bot,
    erased = EXCLUDED.erased, source_channel = EXCLUDED.source_channel,
    counted_as = EXCLUDED.counted_as, person_of = EXCLUDED.person_of
"""
# Reserves one log-order number per notification of a span: its rows keep the log's order
# across the staging tables, and follow every span staged before.
RESERVE = "SELECT setval('health_replay_seq', nextval('health_replay_seq') + %s)"


def reserve(cursor: Cursor[Any], span: LogSpan) -> int:
    """What to add to a notification id of the span to make its log-order number."""
    row = cursor.execute(RESERVE, (span.upto - span.after,)).fetchone()
    return int(row[0]) - span.upto if row else 0


class ReplayStaging:
    """Copies one page of a rebuild into the staging tables, in log order."""

    def __init__(self, cursor: Cursor[Any]) -> None:
        self.cursor = cursor

    def stage(self, events: Sequence[Any], seqs: Sequence[int]) -> None:
        """Stage the page (each event at its log-order number): interactions (none of an
        erased member's; through a merged member's identity, its person's too), flags,
        stages (the target's, its person's too) and each member's membership and flags as
        they stand after the page."""
        members = self._load(events)
        interactions: list[tuple[Any, ...]] = []
        flags: list[tuple[Any, ...]] = []
        stages: list[tuple[Any, ...]] = []
        changed: set[UUID] = set()
        for event, seq in zip(events, seqs, strict=True):
            if isinstance(event, Member.Event):
                members.setdefault(event.originator_id, HealthMember())
                for member_id in following(members, event.originator_id):
                    changed.add(member_id)
                    self._member_event(event, member_id, members[member_id], seq, flags, stages)
                continue
            for i in interactions_of((event,)):
                staged = members.get(i.member_id)
                if staged is None or not staged.erased:
                    row = (i.channel, i.kind, i.occurred_at, i.timestamp, seq, i.thread_ref)
                    interactions.append((i.member_id, *row))
                    if staged is not None and staged.counted_as is not None:
                        interactions.append((staged.counted_as, *row))
        self._copy(
            "health_replay_interactions"
            " (member_id, channel, kind, occurred_at, recorded_at, seq, thread_ref)",
            interactions,
        )
        self._copy("health_replay_flags (member_id, recorded_at, counted, erased, seq)", flags)
        self._copy("health_replay_stages (member_id, recorded_at, stage, seq)", stages)
        save_staged(self.cursor, {m: members[m] for m in changed})

    def _member_event(
        self,
        event: Any,
        member_id: UUID,
        member: HealthMember,
        seq: int,
        flags: list[tuple[Any, ...]],
        stages: list[tuple[Any, ...]],
    ) -> None:
        kind = type(event)
        if kind in FLAGS:
            column, value = FLAGS[kind]
            setattr(member, column, value)
            flags.append((member_id, event.timestamp, member.counted, member.erased, seq))
        if kind is Member.Joined:
            member.joined_at = event.joined_at
            member.source = event.source_channel
        elif kind is Member.Left:
            member.left_at = event.left_at
            stages.append((member_id, event.timestamp, "left", seq))
        elif kind is Member.Rejoined:
            member.left_at = None
            stages.append((member_id, event.timestamp, "returning", seq))
        elif kind is Member.StageChanged:
            stages.append((member_id, event.timestamp, event.stage, seq))

    def _load(self, events: Sequence[Any]) -> dict[UUID, HealthMember]:
        ids = {e.originator_id for e in events if isinstance(e, Member.Event)}
        ids |= {i.member_id for i in interactions_of(events)}
        if not ids:
            return {}
        found = staged_members(self.cursor, ids)
        persons = {m.counted_as for m in found.values() if m.counted_as is not None}
        return found | staged_members(self.cursor, persons - found.keys())

    def _copy(self, target: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            with self.cursor.copy(sql.SQL(f"COPY {target} FROM STDIN")) as copy:
                for row in rows:
                    copy.write_row(row)


def staged_members(cursor: Cursor[Any], ids: Iterable[UUID]) -> dict[UUID, HealthMember]:
    """These members as staged so far (those not staged left out)."""
    wanted = list(ids)
    if not wanted:
        return {}
    return {
        m: HealthMember(
            joined_at=j,
            left_at=left,
            is_staff=s,
            is_bot=b,
            erased=e,
            source=c,
            counted_as=x,
            person_of=o,
        )
        for m, j, left, s, b, e, c, x, o in cursor.execute(LOAD, (wanted,)).fetchall()
    }


def save_staged(cursor: Cursor[Any], members: dict[UUID, HealthMember]) -> None:
    """Members' staged membership and flags, as they stand now."""
    if members:
        rows = [_row(m, member) for m, member in members.items()]
        cursor.execute(SAVE, (orjson.dumps(rows).decode(),))


def _row(member_id: UUID, member: HealthMember) -> dict[str, Any]:
    """A staged member's membership and flags, as SAVE reads them."""
    return {
        "m": member_id,
        "j": member.joined_at,
        "l": member.left_at,
        "s": member.is_staff,
        "b": member.is_bot,
        "e": member.erased,
        "c": member.source,
        "x": member.counted_as,
        "o": member.person_of,
    }
