"""The rollups the spikes' causes read, as one page of the live projection changes them:
threads and community events per day (health_threads, each member's share kept in
health_member_threads) and newcomers per first day and source channel (health_newcomers).
Deltas are tagged by the UTC day recorded, as health_daily's are."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor

from domain.interactions.interaction import InteractionKind
from projections.health.page_rows import as_json
from projections.health.periods import day_of

# The kinds that are a community event held (a talk, a meetup): kept apart in the threads.
EVENT_KINDS = tuple(
    k.value
    for k in (
        InteractionKind.EVENT_HOSTED,
        InteractionKind.EVENT_ATTENDED,
        InteractionKind.TALK_GIVEN,
    )
)
NO_EVENT = ""  # the kind of every other interaction in the thread rollups

ADD_THREADS = """
INSERT INTO health_threads AS h (day, thread_ref, channel, kind, recorded_day, interactions)
SELECT * FROM json_to_recordset(%s::json) AS r(p date, t text, c text, k text, d date, n int)
ON CONFLICT (day, thread_ref, channel, kind, recorded_day) DO UPDATE SET
    interactions = h.interactions + EXCLUDED.interactions
"""
ADD_MEMBER_THREADS = """
INSERT INTO health_member_threads AS h (member_id, day, thread_ref, channel, kind, interactions)
SELECT * FROM json_to_recordset(%s::json) AS r(m uuid, p date, t text, c text, k text, n int)
ON CONFLICT (member_id, day, thread_ref, channel, kind) DO UPDATE SET
    interactions = h.interactions + EXCLUDED.interactions
"""
ADD_NEWCOMERS = """
INSERT INTO health_newcomers AS h (day, source_channel, recorded_day, members)
SELECT * FROM json_to_recordset(%s::json) AS r(p date, c text, d date, n int)
ON CONFLICT (day, source_channel, recorded_day) DO UPDATE SET members = h.members + EXCLUDED.members
"""
# A member's whole share of the threads, added (sign 1) or taken out (-1) on a recorded day.
THREADS_OF_MEMBER = """
INSERT INTO health_threads AS h (day, thread_ref, channel, kind, recorded_day, interactions)
SELECT day, thread_ref, channel, kind, %(day)s, %(sign)s * interactions
FROM health_member_threads WHERE member_id = %(member)s
ON CONFLICT (day, thread_ref, channel, kind, recorded_day) DO UPDATE SET
    interactions = h.interactions + EXCLUDED.interactions
"""
FORGET_THREADS = "DELETE FROM health_member_threads WHERE member_id = %s"

ThreadKey = tuple[date, str, str, str]  # day, thread_ref, channel, kind (or NO_EVENT)


def thread_key(event: Any) -> ThreadKey | None:
    """The thread row an interaction adds to (None: it is in no thread)."""
    if event.thread_ref is None:
        return None
    kind = event.kind if event.kind in EVENT_KINDS else NO_EVENT
    return (day_of(event.occurred_at), event.thread_ref, event.channel, kind)


class SpikeRollups:
    """One page's deltas to the spike rollups, written with the page's other rows."""

    def __init__(self) -> None:
        self.threads: dict[tuple[date, str, str, str, date], int] = defaultdict(int)
        self.member_threads: dict[tuple[UUID, date, str, str, str], int] = defaultdict(int)
        self.newcomers: dict[tuple[date, str, date], int] = defaultdict(int)

    def interaction(self, member_id: UUID, event: Any, counted: bool, day: date) -> None:
        """An interaction of a member not erased, recorded on `day`."""
        key = thread_key(event)
        if key is None:
            return
        self.member_threads[(member_id, *key)] += 1
        if counted:
            self.threads[(*key, day)] += 1

    def newcomer(
        self,
        before: datetime | None,
        source_before: str,
        after: datetime | None,
        source: str,
        day: date,
    ) -> None:
        """A counted member's first interaction (or source) moved, on `day` (None: none)."""
        old = None if before is None else (day_of(before), source_before)
        new = None if after is None else (day_of(after), source)
        if old == new:
            return
        if old is not None:
            self.newcomers[(*old, day)] -= 1
        if new is not None:
            self.newcomers[(*new, day)] += 1

    def member(
        self,
        cursor: Cursor[Any],
        member_id: UUID,
        first_at: datetime | None,
        source: str,
        sign: int,
        day: date,
    ) -> None:
        """A member's whole share added (sign 1) or taken out (-1) on `day`: what a staff,
        bot or erasure flag changes (the page's pending rows saved first)."""
        self.save(cursor)
        cursor.execute(THREADS_OF_MEMBER, {"member": member_id, "day": day, "sign": sign})
        if first_at is not None:
            self.newcomers[(day_of(first_at), source, day)] += sign

    def forget(self, cursor: Cursor[Any], member_id: UUID) -> None:
        """An erased member's own rows deleted (their share already taken out)."""
        self.save(cursor)
        cursor.execute(FORGET_THREADS, (member_id,))

    def save(self, cursor: Cursor[Any]) -> None:
        """Write the pending deltas (zero ones too: rows do not depend on the page size)."""
        if self.member_threads:
            rows = [
                {"m": m, "p": p, "t": t, "c": c, "k": k, "n": n}
                for (m, p, t, c, k), n in self.member_threads.items()
            ]
            cursor.execute(ADD_MEMBER_THREADS, (as_json(rows),))
            self.member_threads.clear()
        if self.threads:
            rows = [
                {"p": p, "t": t, "c": c, "k": k, "d": d, "n": n}
                for (p, t, c, k, d), n in self.threads.items()
            ]
            cursor.execute(ADD_THREADS, (as_json(rows),))
            self.threads.clear()
        if self.newcomers:
            rows = [{"p": p, "c": c, "d": d, "n": n} for (p, c, d), n in self.newcomers.items()]
            cursor.execute(ADD_NEWCOMERS, (as_json(rows),))
            self.newcomers.clear()
