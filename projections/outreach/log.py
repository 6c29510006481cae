"""The `outreach_log` projection: every outreach, its note sealed under the member's key.

Outreach is rare (staff record it by hand): each event is one statement, sent without
waiting. Outcomes are not stored: they derive at read time, from the facts triggers keep
in each row as interactions and stage changes arrive (migrations/0028_*.sql).
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.members.member import Member
from domain.outreach.outreach import OutreachRecorded
from projections.outreach.in_order import SealedInOrder
from projections.personal import Keys, seal_value

NOTE = "outreach_log.note"
RECORD = """
INSERT INTO outreach_log (outreach_id, member_id, staff_id, channel, purpose, sealed_note,
    at, position, recorded_at)
VALUES (%(id)s, %(member_id)s, %(staff_id)s, %(channel)s, %(purpose)s, %(note)s, %(at)s,
    %(position)s, %(recorded_at)s)
ON CONFLICT (outreach_id) DO NOTHING
"""
# The member's key is shredded; the sealed copies go too. The outreach itself stays, counted.
ERASE = "UPDATE outreach_log SET member_erased = true, sealed_note = NULL WHERE member_id = %s"


class OutreachLogProjection(SealedInOrder):
    """The outreach log, for admins and managers."""

    name: ClassVar[str] = "outreach_log"
    tables: ClassVar[tuple[str, ...]] = ("outreach_log",)
    topics: ClassVar[frozenset[str]] = frozenset({Member.Erased.TOPIC, OutreachRecorded.TOPIC})

    erase: ClassVar[tuple[str, ...]] = (ERASE,)

    def sealed_for(self, event: Any) -> UUID | None:
        """The member reached, when the outreach has a note to seal under their key."""
        return event.member_id if type(event) is OutreachRecorded and event.note else None

    def write(self, cursor: Cursor[Any], event: Any, position: int, keys: Keys) -> None:
        """One outreach, its note sealed."""
        note = seal_value(keys.get(event.member_id), event.note, NOTE, event.originator_id)
        cursor.execute(
            RECORD,
            {
                "id": event.originator_id,
                "member_id": event.member_id,
                "staff_id": event.staff_id,
                "channel": event.channel,
                "purpose": event.purpose,
                "note": note,
                "at": event.at,
                "position": position,
                "recorded_at": event.timestamp,
            },
        )
