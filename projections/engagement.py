"""The `engagement` projection: interactions, decayed scores and weekly activity per member."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.engagement import DEFAULT_RULE, NO_ACTIVITY, EngagementRule, add_to_rank_key
from domain.interaction import Interaction
from domain.member import ACTIVE, ERASED, LEFT, Member
from projections.projection import Projection

INSERT_INTERACTION = """
INSERT INTO member_interactions (interaction_id, member_id, channel, kind, occurred_at,
    external_id, thread_ref, url, summary, recorded_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""
ADD_TO_MEMBER = """
INSERT INTO member_engagement AS e
    (member_id, rank_key, interactions, first_interaction_at, last_interaction_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (member_id) DO UPDATE SET
    rank_key = crm_add_rank(e.rank_key, EXCLUDED.rank_key),
    interactions = e.interactions + EXCLUDED.interactions,
    first_interaction_at = least(e.first_interaction_at, EXCLUDED.first_interaction_at),
    last_interaction_at = greatest(e.last_interaction_at, EXCLUDED.last_interaction_at)
"""
ADD_TO_CHANNEL = """
INSERT INTO member_channel_engagement AS e
    (member_id, channel, rank_key, interactions, last_interaction_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (member_id, channel) DO UPDATE SET
    rank_key = crm_add_rank(e.rank_key, EXCLUDED.rank_key),
    interactions = e.interactions + EXCLUDED.interactions,
    last_interaction_at = greatest(e.last_interaction_at, EXCLUDED.last_interaction_at)
"""
ADD_TO_WEEK = """
INSERT INTO member_activity_weeks AS w (member_id, week, channel, interactions, weight)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (member_id, week, channel) DO UPDATE SET
    interactions = w.interactions + EXCLUDED.interactions, weight = w.weight + EXCLUDED.weight
"""
SET_FLAG = """
INSERT INTO member_engagement (member_id, {column}) VALUES (%s, %s)
ON CONFLICT (member_id) DO UPDATE SET {column} = EXCLUDED.{column}
"""
FORGET_PERSONAL_DATA = (
    "UPDATE member_interactions SET url = NULL, summary = NULL WHERE member_id = %s"
)

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


def week_of(moment: datetime) -> date:
    """The Monday (UTC) starting the week of `moment`."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


class EngagementProjection(Projection):
    """Scores and activity that answer "who matters, and who is going quiet"."""

    name: ClassVar[str] = "engagement"
    tables: ClassVar[tuple[str, ...]] = (
        "member_interactions",
        "member_engagement",
        "member_channel_engagement",
        "member_activity_weeks",
    )
    topics: ClassVar[frozenset[str]] = frozenset(
        {Interaction.Recorded.TOPIC, *(kind.TOPIC for kind in _FLAGS)}
    )

    def __init__(self, rule: EngagementRule = DEFAULT_RULE) -> None:
        self.rule = rule
        self.rule_version = rule.version

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Add the page's interactions in bulk, then apply member flags in log order."""
        recorded = [e for e in events if type(e) is Interaction.Recorded]
        if recorded:
            self._add_interactions(cursor, recorded)
        for event in events:
            flag = _FLAGS.get(type(event))
            if flag is not None:
                column, value = flag
                cursor.execute(SET_FLAG.format(column=column), (event.originator_id, value))
            if type(event) is Member.Erased:
                cursor.execute(FORGET_PERSONAL_DATA, (event.originator_id,))

    def _add_interactions(self, cursor: Cursor[Any], recorded: list[Any]) -> None:
        cursor.executemany(INSERT_INTERACTION, [_interaction_row(e) for e in recorded])
        members: dict[UUID, _Totals] = defaultdict(_Totals)
        channels: dict[tuple[UUID, str], _Totals] = defaultdict(_Totals)
        weeks: dict[tuple[UUID, date, str], list[float]] = defaultdict(lambda: [0, 0.0])
        for event in recorded:
            term = self.rule.increment(event.kind, event.occurred_at)
            members[event.member_id].add(term, event.occurred_at)
            channels[(event.member_id, event.channel)].add(term, event.occurred_at)
            week = weeks[(event.member_id, week_of(event.occurred_at), event.channel)]
            week[0] += 1
            week[1] += self.rule.weight(event.kind)
        cursor.executemany(
            ADD_TO_MEMBER,
            [(m, t.rank_key, t.interactions, t.first, t.last) for m, t in members.items()],
        )
        cursor.executemany(
            ADD_TO_CHANNEL,
            [(m, c, t.rank_key, t.interactions, t.last) for (m, c), t in channels.items()],
        )
        cursor.executemany(
            ADD_TO_WEEK,
            [(m, w, c, int(n), weight) for (m, w, c), (n, weight) in weeks.items()],
        )


def _interaction_row(event: Any) -> tuple[Any, ...]:
    return (
        event.originator_id,
        event.member_id,
        event.channel,
        event.kind,
        event.occurred_at,
        event.external_id,
        event.thread_ref,
        event.url,
        event.summary,
        event.timestamp,
    )
