"""What a merge and its undoing do to the members read model (domain/members/merges.py).

The source's row stays as it is, marked merged (hidden from lists, counts and searches)
with the member it is counted as; the target's row shows the person: both members' tags,
the earlier join date, and (derived) the channels and search keys of both members'
identities. An unmerge sets the source's status back and the target's own tags and date.
"""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from domain.members.member import Member

MERGED = "merged"

MARK_MERGED = """
UPDATE members SET status = %(status)s, merged_into = %(target)s, version = %(version)s,
    updated_at = %(at)s
WHERE member_id = %(member)s
"""
SET_PERSON = """
UPDATE members SET tags = %(tags)s, joined_at = %(joined_at)s, version = %(version)s,
    updated_at = %(at)s
WHERE member_id = %(member)s
"""
# Name search walks a member's terms in the list's order, so they follow the join date.
SET_TERMS_JOINED = """
UPDATE member_name_terms SET joined_at = %(joined_at)s
WHERE member_id = %(member)s AND joined_at <> %(joined_at)s
"""

# The member events this module applies.
MERGE_EVENTS: tuple[type[Member.Event], ...] = (
    Member.MergedInto,
    Member.SplitOff,
    Member.Absorbed,
    Member.Released,
)


def apply_merge_event(cursor: Cursor[Any], event: Any) -> list[Any]:
    """Write one merge event; returns the members whose derived columns are stale."""
    common = {
        "member": event.originator_id,
        "version": event.originator_version,
        "at": event.timestamp,
    }
    kind = type(event)
    if kind is Member.MergedInto:
        cursor.execute(MARK_MERGED, {**common, "status": MERGED, "target": event.target_id})
        return [event.target_id]
    if kind is Member.SplitOff:
        cursor.execute(MARK_MERGED, {**common, "status": event.status, "target": None})
        return [event.target_id]
    cursor.execute(SET_PERSON, {**common, "tags": event.tags, "joined_at": event.joined_at})
    cursor.execute(SET_TERMS_JOINED, {**common, "joined_at": event.joined_at})
    return [event.originator_id]
