"""Merged members in the engagement read model: one person's totals from both histories.

member_interactions keeps every interaction under the member whose identity it came
through; a merged-away member's engagement row is marked with the member it is counted as
(`merged_into`), holds no totals, and is never ranked. A merge or an unmerge re-derives the
persons' totals from their raw rows, the way a rebuild computes them (replay_totals.py),
so live application, rebuild and unmerge agree (floats within rounding, as a rebuild's do).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from psycopg import Cursor

from domain.interactions.engagement import EngagementRule
from domain.members.member import Member
from projections.interactions.replay_totals import (
    REPLAYED_TERMS,
    TOTAL_CHANNELS,
    TOTAL_MEMBERS,
    TOTAL_WEEKS,
    replay_parameters,
)

MERGED = "merged"
MERGE_EVENTS: tuple[type[Member.Event], ...] = (Member.MergedInto, Member.SplitOff)

ROUTES = """
SELECT member_id, merged_into FROM member_engagement
WHERE merged_into IS NOT NULL AND member_id = ANY(%s)
"""
MARK_MERGED = """
INSERT INTO member_engagement AS e (member_id, status, merged_into)
VALUES (%(member)s, %(status)s, %(target)s)
ON CONFLICT (member_id) DO UPDATE SET status = EXCLUDED.status,
    merged_into = EXCLUDED.merged_into
"""
# A member that had no row before its merge gets none back (its row held only the mark).
DROP_EMPTY = """
DELETE FROM member_engagement e WHERE member_id = %s AND interactions = 0
    AND NOT is_staff AND NOT is_bot AND status = 'active'
    AND NOT EXISTS (SELECT FROM member_interactions i WHERE i.member_id = e.member_id)
"""
RESET = """
UPDATE member_engagement SET rank_key = '-Infinity', interactions = 0,
    first_interaction_at = NULL, last_interaction_at = NULL
WHERE member_id = ANY(%(members)s) AND (interactions <> 0 OR rank_key > '-Infinity')
"""
FORGET_CHANNELS = "DELETE FROM member_channel_engagement WHERE member_id = ANY(%(members)s)"
FORGET_WEEKS = "DELETE FROM member_activity_weeks WHERE member_id = ANY(%(members)s)"
# The rebuild's totals (which count each interaction for its member's person), for the raw
# rows of some members only.
TOTALS = [
    statement.replace(REPLAYED_TERMS, REPLAYED_TERMS + "WHERE i.member_id = ANY(%(members)s)\n")
    for statement in (TOTAL_MEMBERS, TOTAL_CHANNELS, TOTAL_WEEKS)
]


def routes(cursor: Cursor[Any], member_ids: Iterable[UUID]) -> dict[UUID, UUID]:
    """The person each merged-away member of the page is counted as."""
    cursor.execute(ROUTES, (list(set(member_ids)),))
    return dict(cursor.fetchall())


def apply_merge(cursor: Cursor[Any], event: Any, rule: EngagementRule, *, live: bool) -> None:
    """Mark or unmark the source, then (live) re-derive both persons' totals."""
    source = event.originator_id
    if type(event) is Member.MergedInto:
        mark = {"member": source, "status": MERGED, "target": event.target_id}
    else:
        mark = {"member": source, "status": event.status, "target": None}
    cursor.execute(MARK_MERGED, mark)
    if live:
        rederive(cursor, [source, event.target_id], rule)
    if type(event) is Member.SplitOff:
        cursor.execute(DROP_EMPTY, (source,))


def rederive(cursor: Cursor[Any], persons: list[UUID], rule: EngagementRule) -> None:
    """The persons' totals, channels and weeks again from their members' raw rows."""
    cursor.execute(
        "SELECT member_id FROM member_engagement"
        " WHERE member_id = ANY(%(persons)s) OR merged_into = ANY(%(persons)s)",
        {"persons": persons},
    )
    members = [row[0] for row in cursor.fetchall()]
    parameters = {**replay_parameters(rule), "persons": persons, "members": members}
    for statement in (RESET, FORGET_CHANNELS, FORGET_WEEKS, *TOTALS):
        cursor.execute(statement, parameters)
