"""A rebuild's pages staged for the set-based replay: interactions and member changes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import orjson
from psycopg import Cursor, sql

from domain.members.member import Member
from projections.feedback_interactions import interactions_of
from projections.health.member_rows import HealthMember
from projections.health.page import FLAGS

LOAD = """
SELECT member_id, joined_at, left_at, is_staff, is_bot, erased, source_channel
FROM health_replay_members WHERE member_id = ANY(%s)
"""
SAVE = """
INSERT INTO health_replay_members AS h (member_id, joined_at, left_at, is_staff, is_bot, erased,
    source_channel)
SELECT * FROM json_to_recordset(%s::json)
    AS r(m uuid, j timestamptz, l timestamptz, s boolean, b boolean, e boolean, c text)
ON CONFLICT (member_id) DO UPDATE SET joined_at = EXCLUDED.joined_at,
    left_at = EXCLUDED.left_at, is_staff = EXCLUDED.is_staff, is_bot = EXCLUDED.is_bot,
    erased = EXCLUDED.erased, source_channel = EXCLUDED.source_channel
"""
# Reserves one log-order number per event of the page: its rows keep the page's order
# across the staging tables.
RESERVE = "SELECT setval('health_replay_seq', nextval('health_replay_seq') + %s)"


class ReplayStaging:
    """Copies one page of a rebuild into the staging tables, in log order."""

    def __init__(self, cursor: Cursor[Any]) -> None:
        self.cursor = cursor

    def stage(self, events: Sequence[Any]) -> None:
        """Stage the page: interactions (none of an erased member's), flags, stages and
        each member's membership and flags as they stand after the page."""
        members = self._load(events)
        last = int(self.cursor.execute(RESERVE, (len(events),)).fetchone()[0])  # type: ignore[index]
        seq = last - len(events)
        interactions: list[tuple[Any, ...]] = []
        flags: list[tuple[Any, ...]] = []
        stages: list[tuple[Any, ...]] = []
        changed: set[UUID] = set()
        for event in events:
            seq += 1
            if isinstance(event, Member.Event):
                member = members.setdefault(event.originator_id, HealthMember())
                changed.add(event.originator_id)
                self._member_event(event, member, seq, flags, stages)
                continue
            for i in interactions_of((event,)):
                staged = members.get(i.member_id)
                if staged is None or not staged.erased:
                    interactions.append(
                        (
                            i.member_id,
                            i.channel,
                            i.kind,
                            i.occurred_at,
                            i.timestamp,
                            seq,
                            i.thread_ref,
                        )
                    )
        self._copy(
            "health_replay_interactions"
            " (member_id, channel, kind, occurred_at, recorded_at, seq, thread_ref)",
            interactions,
        )
        self._copy("health_replay_flags (member_id, recorded_at, counted, erased, seq)", flags)
        self._copy("health_replay_stages (member_id, recorded_at, stage, seq)", stages)
        if changed:
            rows = [_row(m, members[m]) for m in changed]
            self.cursor.execute(SAVE, (orjson.dumps(rows).decode(),))

    def _member_event(
        self,
        event: Any,
        member: HealthMember,
        seq: int,
        flags: list[tuple[Any, ...]],
        stages: list[tuple[Any, ...]],
    ) -> None:
        kind = type(event)
        if kind in FLAGS:
            column, value = FLAGS[kind]
            setattr(member, column, value)
            flags.append((event.originator_id, event.timestamp, member.counted, member.erased, seq))
        if kind is Member.Joined:
            member.joined_at = event.joined_at
            member.source = event.source_channel
        elif kind is Member.Left:
            member.left_at = event.left_at
            stages.append((event.originator_id, event.timestamp, "left", seq))
        elif kind is Member.Rejoined:
            member.left_at = None
            stages.append((event.originator_id, event.timestamp, "returning", seq))
        elif kind is Member.StageChanged:
            stages.append((event.originator_id, event.timestamp, event.stage, seq))

    def _load(self, events: Sequence[Any]) -> dict[UUID, HealthMember]:
        ids = {e.originator_id for e in events if isinstance(e, Member.Event)}
        ids |= {i.member_id for i in interactions_of(events)}
        if not ids:
            return {}
        rows = self.cursor.execute(LOAD, (list(ids),)).fetchall()
        return {
            m: HealthMember(joined_at=j, left_at=left, is_staff=s, is_bot=b, erased=e, source=c)
            for m, j, left, s, b, e, c in rows
        }

    def _copy(self, target: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            with self.cursor.copy(sql.SQL(f"COPY {target} FROM STDIN")) as copy:
                for row in rows:
                    copy.write_row(row)


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
    }
