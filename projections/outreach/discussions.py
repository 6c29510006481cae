"""The `discussions` projection: interactions in threads rolled up per thread, day and member.

It keeps, for every thread (a channel's thread_ref), its first message with the summary
sealed under the author's key; per thread, UTC day and member the contributions and the
reactions given; each contribution's time and author (for the staff response time); and
which members are staff or bots. Staff and bots are left out when read, not when written:
a member marked staff later is taken out of every count at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date
from typing import Any, ClassVar
from uuid import UUID, uuid5

import orjson
from psycopg import Cursor

from domain.interactions.interaction import Interaction, InteractionKind
from domain.members.member import Member
from projections.personal import seal_value
from projections.projection import SealingProjection

# A thread's first message summary, sealed under its author's key, bound to its interaction.
SUMMARY = "discussion_threads.summary"
# Fixed forever: thread ids derive from it.
THREAD_NAMESPACE = UUID("0f6e8a52-93c4-4b1e-8d7a-5e2c61b4a9d3")

# A reaction given is a member's act in the thread; the same reaction received is the
# author's side of it, counted once already (and not a sign its author took part).
REACTION = InteractionKind.REACTION_GIVEN.value
MIRRORED = InteractionKind.REACTION_RECEIVED.value

UPSERT_THREADS = """
INSERT INTO discussion_threads AS t (thread_id, channel, thread_ref, first_interaction_id,
    first_member_id, first_at, first_recorded_at, sealed_summary)
SELECT * FROM json_to_recordset(%s::json) AS r(t uuid, c text, f text, i uuid, m uuid,
    a timestamptz, r timestamptz, s bytea)
ON CONFLICT (thread_id) DO UPDATE SET
    first_interaction_id = CASE WHEN {earlier} THEN EXCLUDED.first_interaction_id
        ELSE t.first_interaction_id END,
    first_member_id = CASE WHEN {earlier} THEN EXCLUDED.first_member_id
        ELSE t.first_member_id END,
    sealed_summary = CASE WHEN {earlier} THEN EXCLUDED.sealed_summary ELSE t.sealed_summary END,
    first_recorded_at = CASE WHEN {earlier} THEN EXCLUDED.first_recorded_at
        ELSE t.first_recorded_at END,
    first_at = CASE WHEN {earlier} THEN EXCLUDED.first_at ELSE t.first_at END
""".format(
    earlier="(EXCLUDED.first_at IS NOT NULL AND (t.first_at IS NULL OR"
    " (EXCLUDED.first_at, EXCLUDED.first_interaction_id) < (t.first_at, t.first_interaction_id)))"
)
ADD_TO_DAYS = """
INSERT INTO discussion_days AS d
    (day, thread_id, member_id, recorded_on, channel, contributions, reactions)
SELECT * FROM json_to_recordset(%s::json)
    AS r(d date, t uuid, m uuid, r date, c text, n int, x int)
ON CONFLICT (day, thread_id, member_id, recorded_on) DO UPDATE SET
    contributions = d.contributions + EXCLUDED.contributions,
    reactions = d.reactions + EXCLUDED.reactions
"""
INSERT_MESSAGES = """
INSERT INTO discussion_messages (thread_id, occurred_at, member_id, recorded_at)
SELECT * FROM json_to_recordset(%s::json) AS r(t uuid, a timestamptz, m uuid, r timestamptz)
"""
# Members without a row get one (a flag not in the page is false); then the page's last value
# of each flag wins (null leaves the column as it is).
ADD_FLAGGED = """
INSERT INTO discussion_members (member_id, is_staff, is_bot)
SELECT m, coalesce(s, false), coalesce(b, false)
FROM unnest(%s::uuid[], %s::boolean[], %s::boolean[]) AS r(m, s, b)
ON CONFLICT (member_id) DO NOTHING
"""
SET_FLAGS = """
UPDATE discussion_members f SET is_staff = coalesce(r.s, f.is_staff),
    is_bot = coalesce(r.b, f.is_bot)
FROM unnest(%s::uuid[], %s::boolean[], %s::boolean[]) AS r(m, s, b)
WHERE f.member_id = r.m
"""
FORGET_SUMMARIES = (
    "UPDATE discussion_threads SET sealed_summary = NULL"
    " WHERE first_member_id = ANY(%s) AND sealed_summary IS NOT NULL"
)

# Member events that flag a member: (column, value).
_FLAGS: dict[type[Any], tuple[str, bool]] = {
    Member.MarkedAsStaff: ("is_staff", True),
    Member.UnmarkedAsStaff: ("is_staff", False),
    Member.MarkedAsBot: ("is_bot", True),
    Member.UnmarkedAsBot: ("is_bot", False),
}


def thread_id(channel: str, thread_ref: str) -> UUID:
    """The id of a thread: the same channel and thread_ref always give the same id."""
    return uuid5(THREAD_NAMESPACE, f"{channel}\x00{thread_ref}")


class DiscussionsProjection(SealingProjection):
    """The rollups topDiscussions reads: the period's rows (thread, day, member), not the log."""

    name: ClassVar[str] = "discussions"
    tables: ClassVar[tuple[str, ...]] = (
        "discussion_threads",
        "discussion_days",
        "discussion_messages",
        "discussion_members",
    )
    topics: ClassVar[frozenset[str]] = frozenset(
        {Interaction.Recorded.TOPIC, Member.Erased.TOPIC, *(kind.TOPIC for kind in _FLAGS)}
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """The page's threaded interactions in bulk, then flags and erasures in log order."""
        threaded = [
            e
            for e in events
            if type(e) is Interaction.Recorded and e.thread_ref is not None and e.kind != MIRRORED
        ]
        if threaded:
            self._add(cursor, threaded)
        flags: dict[UUID, dict[str, bool]] = {}
        for event in events:
            flag = _FLAGS.get(type(event))
            if flag is not None:
                flags.setdefault(event.originator_id, {})[flag[0]] = flag[1]
        if flags:
            _set_flags(cursor, flags)
        erased = [e.originator_id for e in events if type(e) is Member.Erased]
        if erased:
            cursor.execute(FORGET_SUMMARIES, (erased,))

    def _add(self, cursor: Cursor[Any], threaded: list[Any]) -> None:
        threads: dict[UUID, dict[str, Any]] = {}
        firsts: dict[UUID, Any] = {}
        days: dict[tuple[date, UUID, UUID, date], list[int]] = defaultdict(lambda: [0, 0])
        messages: list[dict[str, Any]] = []
        for event in threaded:
            thread = thread_id(event.channel, event.thread_ref)
            threads.setdefault(thread, {"t": thread, "c": event.channel, "f": event.thread_ref})
            at = event.occurred_at.astimezone(UTC)
            recorded = event.timestamp.astimezone(UTC)
            counts = days[(at.date(), thread, event.member_id, recorded.date())]
            if event.kind == REACTION:
                counts[1] += 1
                continue
            counts[0] += 1
            messages.append({"t": thread, "a": at, "m": event.member_id, "r": recorded})
            known = firsts.get(thread)
            if known is None or (at, event.originator_id) < (
                known.occurred_at.astimezone(UTC),
                known.originator_id,
            ):
                firsts[thread] = event
        keys = self.personal.writer_keys(
            e.member_id for e in firsts.values() if e.summary is not None
        )
        for thread, event in firsts.items():
            sealed = seal_value(
                keys.get(event.member_id), event.summary, SUMMARY, event.originator_id
            )
            threads[thread].update(
                i=event.originator_id,
                m=event.member_id,
                a=event.occurred_at.astimezone(UTC),
                r=event.timestamp.astimezone(UTC),
                s=None if sealed is None else "\\x" + sealed.hex(),  # bytea's text form
            )
        # Sorted, so that concurrent writers (a rebuild beside a live page) lock alike.
        cursor.execute(UPSERT_THREADS, (_json(sorted(threads.values(), key=lambda r: r["t"])),))
        day_rows = [
            {"d": d, "t": t, "m": m, "r": r, "c": threads[t]["c"], "n": n, "x": x}
            for (d, t, m, r), (n, x) in sorted(days.items())
        ]
        cursor.execute(ADD_TO_DAYS, (_json(day_rows),))
        if messages:
            cursor.execute(INSERT_MESSAGES, (_json(messages),))


def _set_flags(cursor: Cursor[Any], flags: dict[UUID, dict[str, bool]]) -> None:
    """One row per flagged member: the page's last value of each flag (null: unchanged)."""
    members = sorted(flags)
    staff = [flags[m].get("is_staff") for m in members]
    bots = [flags[m].get("is_bot") for m in members]
    cursor.execute(ADD_FLAGGED, (members, staff, bots))
    cursor.execute(SET_FLAGS, (members, staff, bots))


def _json(rows: list[dict[str, Any]]) -> str:
    return orjson.dumps(rows).decode()
