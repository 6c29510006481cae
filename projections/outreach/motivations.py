"""The `outreach_motivations` projection: each member's latest answer to why they joined.

A later answer (by its moment, then by log order) replaces an earlier one; the free text is
sealed under the member's key. Member.Erased deletes the member's row: an erased member's
answer is neither shown nor counted.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.members.member import Member
from domain.outreach.motivation import MotivationRecorded
from projections.outreach.in_order import SealedInOrder
from projections.personal import Keys, seal_value

MOTIVATION_TEXT = "member_motivations.text"

RECORD = """
INSERT INTO member_motivations (member_id, options, sealed_text, recorded_by, recorded_at,
    motivation_id, position)
VALUES (%(member_id)s, %(options)s, %(text)s, %(by)s, %(at)s, %(id)s, %(position)s)
ON CONFLICT (member_id) DO UPDATE SET options = excluded.options,
    sealed_text = excluded.sealed_text, recorded_by = excluded.recorded_by,
    recorded_at = excluded.recorded_at, motivation_id = excluded.motivation_id,
    position = excluded.position
WHERE (member_motivations.recorded_at, member_motivations.position)
    < (excluded.recorded_at, excluded.position)
"""
ERASE = "DELETE FROM member_motivations WHERE member_id = %s"


class MotivationsProjection(SealedInOrder):
    """Members' motivations: the filter of the member list and the summary read them."""

    name: ClassVar[str] = "outreach_motivations"
    tables: ClassVar[tuple[str, ...]] = ("member_motivations",)
    topics: ClassVar[frozenset[str]] = frozenset({Member.Erased.TOPIC, MotivationRecorded.TOPIC})

    erase: ClassVar[tuple[str, ...]] = (ERASE,)

    def sealed_for(self, event: Any) -> UUID | None:
        """The member who answered: their own words are sealed under their key."""
        return event.member_id if isinstance(event, MotivationRecorded) else None

    def write(self, cursor: Cursor[Any], event: Any, position: int, keys: Keys) -> None:
        """The answer, unless the member has a later one."""
        key = keys.get(event.member_id)
        cursor.execute(
            RECORD,
            {
                "member_id": event.member_id,
                "options": list(event.options),
                "text": seal_value(key, event.text, MOTIVATION_TEXT, event.member_id),
                "by": event.recorded_by,
                "at": event.at,
                "id": event.originator_id,
                "position": position,
            },
        )
