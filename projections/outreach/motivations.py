"""The `outreach_motivations` projection: each member's latest answer to why they joined.

A later answer (by its moment, then by log order) replaces an earlier one; the free text is
sealed under the member's key. Member.Erased deletes the member's row: an erased member's
answer is neither shown nor counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import Cursor

from domain.members.member import Member
from domain.outreach.motivation import MotivationRecorded
from projections.personal import seal_value
from projections.projection import SealingProjection, notification_ids

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


class MotivationsProjection(SealingProjection):
    """Members' motivations: the filter of the member list and the summary read them."""

    name: ClassVar[str] = "outreach_motivations"
    tables: ClassVar[tuple[str, ...]] = ("member_motivations",)
    topics: ClassVar[frozenset[str]] = frozenset({Member.Erased.TOPIC, MotivationRecorded.TOPIC})

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Each event in log order: an answer recorded, or a member erased."""
        if not events:
            return
        positions = notification_ids(events)
        members = {e.member_id for e in events if isinstance(e, MotivationRecorded)}
        keys = self.personal.writer_keys(members) if members else {}
        with cursor.connection.pipeline():
            for event, position in zip(events, positions, strict=True):
                if type(event) is Member.Erased:
                    cursor.execute(ERASE, (event.originator_id,))
                    continue
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
