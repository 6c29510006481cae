"""The `outreach_welcome` projection: who is a newcomer, where they showed up, and when
staff first welcomed them (domain/outreach/welcome.py says what counts).

Interactions are many: a page's are applied in three set-based statements (members first
seen, first interactions, staff replies), whatever the page's size. Member flags, joins
and WELCOME outreach are few: one statement each, pipelined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import orjson
from psycopg import Cursor

from domain.interactions.interaction import Interaction, InteractionKind
from domain.members.member import Member
from domain.outreach.outreach import OutreachPurpose, OutreachRecorded
from domain.outreach.welcome import counts_as_first_interaction, counts_as_staff_reply
from projections.plain_events import PLAIN_INTERACTIONS, LogSpan, spans_between
from projections.projection import Projection

PAGE = "json_to_recordset(%s::json) AS p(i uuid, m uuid, c text, t text, o timestamptz)"
# A rebuild's interactions of a span, straight from the log, as _interactions filters them.
PLAIN_FIRSTS = f"({PLAIN_INTERACTIONS}) AS p WHERE p.k <> ALL(%(not_said)s) "
PLAIN_REPLIES = f"({PLAIN_INTERACTIONS}) AS p WHERE p.t <> '' AND p.k <> ALL(%(not_replies)s) "
# Kinds the domain's rules leave out (a kind it does not know counts).
_NOT_SAID = [k.value for k in InteractionKind if not counts_as_first_interaction(k.value)]
_NOT_REPLIES = [k.value for k in InteractionKind if not counts_as_staff_reply(k.value)]
# Member events and outreach that the interactions' statements read the effect of: a
# rebuild's span of interactions is cut at them, as a page is. The others write columns
# those statements neither read nor write, so they commute with them.
_CUTS: tuple[type[Any], ...] = (Member.MarkedAsStaff, Member.UnmarkedAsStaff, OutreachRecorded)
# The member's earliest interaction (of the page, and of all so far).
FIRST_INTERACTIONS = f"""
INSERT INTO outreach_newcomers AS n (member_id, first_interaction_at, first_interaction_id,
    first_channel, first_thread_ref)
SELECT DISTINCT ON (p.m) p.m, p.o, p.i, p.c, p.t FROM {PAGE} ORDER BY p.m, p.o, p.i
ON CONFLICT (member_id) DO UPDATE SET first_interaction_at = EXCLUDED.first_interaction_at,
    first_interaction_id = EXCLUDED.first_interaction_id,
    first_channel = EXCLUDED.first_channel, first_thread_ref = EXCLUDED.first_thread_ref
WHERE n.first_interaction_at IS NULL OR EXCLUDED.first_interaction_at < n.first_interaction_at
"""
# A staff member's interaction in the thread of an unwelcomed newcomer's first message,
# after it, welcomes them (the earliest such reply of the page wins).
STAFF_REPLIES = f"""
UPDATE outreach_newcomers AS n SET welcomed_at = r.at, welcomed_by = r.staff,
    welcomed_how = 'staff_reply'
FROM (
    SELECT DISTINCT ON (w.member_id) w.member_id, p.o AS at, p.m AS staff
    FROM {PAGE}
    JOIN outreach_newcomers s ON s.member_id = p.m AND s.is_staff
    JOIN outreach_newcomers w ON w.first_thread_ref = p.t AND w.welcomed_at IS NULL
        AND w.first_thread_ref IS NOT NULL AND w.first_interaction_at < p.o
        AND w.member_id <> p.m
    ORDER BY w.member_id, p.o
) r
WHERE n.member_id = r.member_id AND (n.welcomed_at IS NULL OR r.at < n.welcomed_at)
"""
PLAIN_FIRST_INTERACTIONS = FIRST_INTERACTIONS.replace(
    f"FROM {PAGE} ORDER BY", f"FROM {PLAIN_FIRSTS} ORDER BY"
)
PLAIN_STAFF_REPLIES = STAFF_REPLIES.replace(
    f"FROM {PAGE}\n    JOIN outreach_newcomers s ON s.member_id = p.m AND s.is_staff",
    f"FROM (SELECT * FROM {PLAIN_REPLIES}) AS p\n"
    "    JOIN outreach_newcomers s ON s.member_id = p.m AND s.is_staff",
)
JOINED = """
INSERT INTO outreach_newcomers AS n (member_id, joined_at, source_channel)
VALUES (%(id)s, %(at)s, %(channel)s)
ON CONFLICT (member_id) DO UPDATE SET joined_at = EXCLUDED.joined_at,
    source_channel = EXCLUDED.source_channel
"""
FLAG = """
INSERT INTO outreach_newcomers AS n (member_id, {column}) VALUES (%(id)s, %(value)s)
ON CONFLICT (member_id) DO UPDATE SET {column} = EXCLUDED.{column}
"""
WELCOMED = """
INSERT INTO outreach_newcomers AS n (member_id, welcomed_at, welcomed_by, welcomed_how)
VALUES (%(id)s, %(at)s, %(by)s, 'outreach')
ON CONFLICT (member_id) DO UPDATE SET welcomed_at = EXCLUDED.welcomed_at,
    welcomed_by = EXCLUDED.welcomed_by, welcomed_how = 'outreach'
WHERE n.welcomed_at IS NULL OR EXCLUDED.welcomed_at < n.welcomed_at
"""
_FLAGS: dict[type[Any], tuple[str, bool]] = {
    Member.MarkedAsStaff: ("is_staff", True),
    Member.UnmarkedAsStaff: ("is_staff", False),
    Member.MarkedAsBot: ("is_bot", True),
    Member.UnmarkedAsBot: ("is_bot", False),
    Member.Left: ("gone", True),
    Member.Rejoined: ("gone", False),
    Member.Erased: ("gone", True),
}


class OutreachWelcomeProjection(Projection):
    """Newcomers and their welcome; nothing personal is kept here (what a newcomer said
    first is read, sealed, from the interactions read model by the queue's reader)."""

    name: ClassVar[str] = "outreach_welcome"
    tables: ClassVar[tuple[str, ...]] = ("outreach_newcomers",)
    topics: ClassVar[frozenset[str]] = frozenset(
        {
            Member.Joined.TOPIC,
            Interaction.Recorded.TOPIC,
            OutreachRecorded.TOPIC,
            *(kind.TOPIC for kind in _FLAGS),
        }
    )

    # Nothing to strip: its upserts need its key. A rebuild reads the interactions in SQL,
    # sealed ones too: their sealed fields are nothing to this projection.
    plain_topics: ClassVar[frozenset[str]] = frozenset({Interaction.Recorded.TOPIC})
    plain_sealed_too: ClassVar[bool] = True

    def apply_replay_span(self, cursor: Cursor[Any], events: Sequence[Any], span: LogSpan) -> None:
        """Each span of interactions between staff flags and outreach in SQL, in log order."""
        for part, run, cut in spans_between(events, span, _CUTS):
            parameters = {
                **part.parameters(sorted(self.plain_topics), sealed_too=True),
                "not_said": _NOT_SAID,
                "not_replies": _NOT_REPLIES,
            }
            cursor.execute(PLAIN_FIRST_INTERACTIONS, parameters)
            cursor.execute(PLAIN_STAFF_REPLIES, parameters)
            self.apply(cursor, [*run, *([cut] if cut is not None else [])])

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Runs of member events and outreach in log order, interactions a run at a time."""
        run: list[Any] = []
        for event in events:
            if type(event) is Interaction.Recorded:
                run.append(event)
                continue
            if run:
                _interactions(cursor, run)
                run = []
            _other(cursor, event)
        if run:
            _interactions(cursor, run)


def _interactions(cursor: Cursor[Any], recorded: list[Any]) -> None:
    firsts = [_row(e) for e in recorded if counts_as_first_interaction(e.kind)]
    if firsts:
        cursor.execute(FIRST_INTERACTIONS, (orjson.dumps(firsts).decode(),))
    replies = [_row(e) for e in recorded if e.thread_ref and counts_as_staff_reply(e.kind)]
    if replies:
        cursor.execute(STAFF_REPLIES, (orjson.dumps(replies).decode(),))


def _row(event: Any) -> dict[str, Any]:
    return {
        "i": event.originator_id,
        "m": event.member_id,
        "c": event.channel,
        "t": event.thread_ref,
        "o": event.occurred_at,
    }


def _other(cursor: Cursor[Any], event: Any) -> None:
    if type(event) is Member.Joined:
        values = {"id": event.originator_id, "at": event.joined_at, "channel": event.source_channel}
        cursor.execute(JOINED, values)
    elif type(event) is OutreachRecorded:
        if event.purpose == OutreachPurpose.WELCOME.value:
            values = {"id": event.member_id, "at": event.at, "by": event.staff_id}
            cursor.execute(WELCOMED, values)
    else:
        column, value = _FLAGS[type(event)]
        cursor.execute(FLAG.format(column=column), {"id": event.originator_id, "value": value})
