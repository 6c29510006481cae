"""The `engagement` projection: interactions, decayed scores and weekly activity per member."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import UUID

import orjson
from psycopg import Cursor

from domain.feedback.events import Submitted as FeedbackSubmitted
from domain.interactions.engagement import (
    DEFAULT_RULE,
    NO_ACTIVITY,
    EngagementRule,
    add_to_rank_key,
)
from domain.interactions.interaction import Interaction
from domain.members.member import Member
from domain.members.membership import ACTIVE, ERASED, LEFT
from domain.moments import week_of
from projections.feedback_interactions import interactions_of
from projections.interactions.merges import MERGE_EVENTS, apply_merge, routes
from projections.interactions.replay_totals import write_replay_totals
from projections.merge_runs import runs_between
from projections.personal import CONTENT, Keys, PersonalData, seal_value
from projections.plain_events import PLAIN_INTERACTIONS, LogSpan, spans_between
from projections.projection import SealingProjection

# Rows travel as one JSON document per statement: orjson writes it far faster than
# psycopg adapts arrays or COPY rows value by value.
INSERT_INTERACTIONS = """
INSERT INTO member_interactions (interaction_id, member_id, channel, kind, occurred_at,
    external_id, thread_ref, sealed_content, recorded_at)
SELECT * FROM json_to_recordset(%s::json) AS r(i uuid, m uuid, c text, k text,
    o timestamptz, e text, t text, s bytea, r timestamptz)
"""
# A rebuild's plain interactions, straight from the log. In UTC as _interaction_row: an
# instant before year 1 (or after 9999) UTC fails the page, to be parked as it is live.
INSERT_PLAIN_INTERACTIONS = f"""
INSERT INTO member_interactions (interaction_id, member_id, channel, kind, occurred_at,
    external_id, thread_ref, sealed_content, recorded_at)
SELECT i, m, c, k, o, x, t, NULL, r FROM ({PLAIN_INTERACTIONS}) AS p
WHERE (o >= '0001-01-01 00:00:00+00' AND o < '10000-01-01 00:00:00+00')
    OR crm_replay_refused(n, 'an instant before year 1 or after 9999 in UTC')
"""
ADD_TO_MEMBER = """
INSERT INTO member_engagement AS e
    (member_id, rank_key, interactions, first_interaction_at, last_interaction_at)
SELECT r.m, coalesce(r.k, '-Infinity'), r.n, r.f, r.l
FROM json_to_recordset(%s::json) AS r(m uuid, k float8, n bigint, f timestamptz, l timestamptz)
ON CONFLICT (member_id) DO UPDATE SET
    rank_key = crm_add_rank(e.rank_key, EXCLUDED.rank_key),
    interactions = e.interactions + EXCLUDED.interactions,
    first_interaction_at = least(e.first_interaction_at, EXCLUDED.first_interaction_at),
    last_interaction_at = greatest(e.last_interaction_at, EXCLUDED.last_interaction_at)
"""
ADD_TO_CHANNEL = """
INSERT INTO member_channel_engagement AS e
    (member_id, channel, rank_key, interactions, last_interaction_at)
SELECT r.m, r.c, coalesce(r.k, '-Infinity'), r.n, r.l
FROM json_to_recordset(%s::json) AS r(m uuid, c text, k float8, n bigint, l timestamptz)
ON CONFLICT (member_id, channel) DO UPDATE SET
    rank_key = crm_add_rank(e.rank_key, EXCLUDED.rank_key),
    interactions = e.interactions + EXCLUDED.interactions,
    last_interaction_at = greatest(e.last_interaction_at, EXCLUDED.last_interaction_at)
"""
ADD_TO_WEEK = """
INSERT INTO member_activity_weeks AS w (member_id, week, channel, interactions, weight)
SELECT * FROM json_to_recordset(%s::json) AS r(m uuid, w date, c text, n int, g float8)
ON CONFLICT (member_id, week, channel) DO UPDATE SET
    interactions = w.interactions + EXCLUDED.interactions, weight = w.weight + EXCLUDED.weight
"""
# Members without an engagement row get one with the defaults, then the page's last
# value of each flag wins (a null leaves the column as it is).
ADD_FLAGGED_MEMBERS = """
INSERT INTO member_engagement (member_id) SELECT unnest(%s::uuid[])
ON CONFLICT (member_id) DO NOTHING
"""
SET_FLAGS = """
UPDATE member_engagement e SET
    is_staff = coalesce(f.is_staff, e.is_staff),
    is_bot = coalesce(f.is_bot, e.is_bot),
    status = coalesce(f.status, e.status)
FROM unnest(%s::uuid[], %s::boolean[], %s::boolean[], %s::text[]) AS f(member_id, is_staff,
    is_bot, status)
WHERE e.member_id = f.member_id
"""
FORGET_PERSONAL_DATA = (
    "UPDATE member_interactions SET sealed_content = NULL"
    " WHERE member_id = ANY(%s) AND sealed_content IS NOT NULL"
)
_FLAG_COLUMNS = ("is_staff", "is_bot", "status")

# Member events that change whether a member is ranked: (column, value).
_FLAGS: dict[type[Any], tuple[str, Any]] = {
    Member.MarkedAsStaff: ("is_staff", True),
    Member.UnmarkedAsStaff: ("is_staff", False),
    Member.MarkedAsBot: ("is_bot", True),
    Member.UnmarkedAsBot: ("is_bot", False),
    Member.Left: ("status", LEFT),
    Member.Rejoined: ("status", ACTIVE),
    Member.Erased: ("status", ERASED),
}


@dataclass
class _Totals:
    """What a page adds to one member (or one member on one channel)."""

    rank_key: float = NO_ACTIVITY
    interactions: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def add(self, term: float, moment: datetime) -> None:
        self.rank_key = add_to_rank_key(self.rank_key, term)
        self.interactions += 1
        self.first = moment if self.first is None else min(self.first, moment)
        self.last = moment if self.last is None else max(self.last, moment)


class EngagementProjection(SealingProjection):
    """Scores and activity that answer "who matters, and who is going quiet"."""

    name: ClassVar[str] = "engagement"
    tables: ClassVar[tuple[str, ...]] = (
        "member_interactions",
        "member_engagement",
        "member_channel_engagement",
        "member_activity_weeks",
        "member_rank_buckets",  # kept by triggers on member_engagement (migration 0012)
    )
    # The other tables hold totals: a rebuild writes them once, at the end.
    replay_tables: ClassVar[tuple[str, ...]] = ("member_interactions",)
    plain_topics: ClassVar[frozenset[str]] = frozenset({Interaction.Recorded.TOPIC})
    topics: ClassVar[frozenset[str]] = frozenset(
        {
            Interaction.Recorded.TOPIC,
            FeedbackSubmitted.TOPIC,
            *(kind.TOPIC for kind in _FLAGS),
            *(kind.TOPIC for kind in MERGE_EVENTS),
        }
    )

    def __init__(
        self, rule: EngagementRule = DEFAULT_RULE, personal: PersonalData | None = None
    ) -> None:
        super().__init__(personal)
        self.rule = rule
        self.rule_version = rule.version

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Add the page's interactions in bulk, then apply member flags in log order.

        A merge or unmerge (rare) cuts the page: what comes before it is applied first.
        """
        for run, merge in runs_between(events, MERGE_EVENTS):
            self._apply_run(cursor, run)
            if merge is not None:
                apply_merge(cursor, merge, self.rule, live=True)

    def _apply_run(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        recorded = interactions_of(events)
        if recorded:
            _insert_interactions(cursor, recorded, self.personal)
            self._add_interactions(cursor, recorded, routes(cursor, _members(recorded)))
        _apply_flags(cursor, events)
        erased = [e.originator_id for e in events if type(e) is Member.Erased]
        if erased:
            cursor.execute(FORGET_PERSONAL_DATA, (erased,))

    def apply_replay(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Keep the interactions, flags and merges; totals wait for `finish_replay`."""
        for run, merge in runs_between(events, MERGE_EVENTS):
            recorded = interactions_of(run)
            if recorded:
                _insert_interactions(cursor, recorded, self.personal)
            _apply_flags(cursor, run)
            if merge is not None:
                apply_merge(cursor, merge, self.rule, live=False)

    def apply_replay_span(self, cursor: Cursor[Any], events: Sequence[Any], span: LogSpan) -> None:
        """The span's plain interactions in one statement, the rest as `apply_replay` does.

        Cut at merges as a live page is: an unmerge's clean-up sees the rows before it only.
        """
        plain = sorted(self.plain_topics)
        for part, run, merge in spans_between(events, span, MERGE_EVENTS):
            cursor.execute(INSERT_PLAIN_INTERACTIONS, part.parameters(plain))
            self.apply_replay(cursor, [*run, *([merge] if merge is not None else [])])

    def finish_replay(self, cursor: Cursor[Any]) -> None:
        """Every member's totals from all their interactions, then erased members forgotten."""
        write_replay_totals(cursor, self.rule)

    def _add_interactions(
        self, cursor: Cursor[Any], recorded: list[Any], persons: dict[UUID, UUID]
    ) -> None:
        """The page's additions to each person's, channel's and week's totals.

        An interaction through a merged-away member's identity counts for its person.
        """
        members: dict[UUID, _Totals] = defaultdict(_Totals)
        channels: dict[tuple[UUID, str], _Totals] = defaultdict(_Totals)
        weeks: dict[tuple[UUID, date, str], list[float]] = defaultdict(lambda: [0, 0.0])
        for event in recorded:
            term = self.rule.increment(event.kind, event.occurred_at)
            person = persons.get(event.member_id, event.member_id)
            members[person].add(term, event.occurred_at)
            channels[(person, event.channel)].add(term, event.occurred_at)
            week = weeks[(person, week_of(event.occurred_at), event.channel)]
            week[0] += 1
            week[1] += self.rule.weight(event.kind)
        member_rows = [
            {"m": m, "k": t.rank_key, "n": t.interactions, "f": t.first, "l": t.last}
            for m, t in members.items()
        ]
        cursor.execute(ADD_TO_MEMBER, (_json(member_rows),))
        channel_rows = [
            {"m": m, "c": c, "k": t.rank_key, "n": t.interactions, "l": t.last}
            for (m, c), t in channels.items()
        ]
        cursor.execute(ADD_TO_CHANNEL, (_json(channel_rows),))
        week_rows = [
            {"m": m, "w": w, "c": c, "n": int(n), "g": weight}
            for (m, w, c), (n, weight) in weeks.items()
        ]
        cursor.execute(ADD_TO_WEEK, (_json(week_rows),))


def _members(recorded: list[Any]) -> set[UUID]:
    return {event.member_id for event in recorded}


def _insert_interactions(cursor: Cursor[Any], recorded: list[Any], personal: PersonalData) -> None:
    # Most interactions carry neither url nor summary: only the others need a key.
    keys = personal.writer_keys(
        e.member_id for e in recorded if e.url is not None or e.summary is not None
    )
    rows = [_interaction_row(e, keys) for e in recorded]
    cursor.execute(INSERT_INTERACTIONS, (_json(rows),))


def _apply_flags(cursor: Cursor[Any], events: Sequence[Any]) -> None:
    """Member flags of the page, the last value of each winning."""
    flags: dict[UUID, dict[str, Any]] = {}
    for event in events:
        flag = _FLAGS.get(type(event))
        if flag is not None:
            flags.setdefault(event.originator_id, {})[flag[0]] = flag[1]
    if flags:
        _set_flags(cursor, flags)


def _set_flags(cursor: Cursor[Any], flags: dict[UUID, dict[str, Any]]) -> None:
    """One row per flagged member: the last value of each flag in the page."""
    members = list(flags)
    cursor.execute(ADD_FLAGGED_MEMBERS, (members,))
    columns = [[flags[m].get(column) for m in members] for column in _FLAG_COLUMNS]
    cursor.execute(SET_FLAGS, (members, *columns))


def _json(rows: list[dict[str, Any]]) -> str:
    """Rows as a JSON array for json_to_recordset (-Infinity becomes null: coalesced back)."""
    return orjson.dumps(rows).decode()


def _interaction_row(event: Any, keys: Keys) -> dict[str, Any]:
    sealed = None
    if event.url is not None or event.summary is not None:
        content = {"url": event.url, "summary": event.summary}
        sealed = seal_value(keys.get(event.member_id), content, CONTENT, event.originator_id)
    # In UTC, so that live pages and rebuilds refuse alike an instant before year 1 UTC
    # (0001-01-01T00:30+01:00): no reader could load it back (such an event is parked).
    return {
        "i": event.originator_id,
        "m": event.member_id,
        "c": event.channel,
        "k": event.kind,
        "o": event.occurred_at.astimezone(UTC),
        "e": event.external_id,
        "t": event.thread_ref,
        "s": None if sealed is None else "\\x" + sealed.hex(),  # bytea's text form
        "r": event.timestamp,
    }
