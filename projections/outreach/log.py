"""The `outreach_log` projection: every outreach, its note sealed under the member's key.

Outreach is rare (staff record it by hand): each event is one statement, sent without
waiting. Outcomes are not stored: they derive at read time, from the facts triggers keep
in each row as interactions and stage changes arrive (migrations/0028_*.sql).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import Cursor

from domain.members.member import Member
from domain.outreach.outreach import OutreachRecorded
from projections.personal import seal_value
from projections.projection import SealingProjection, notification_ids

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


class OutreachLogProjection(SealingProjection):
    """The outreach log, for admins and managers."""

    name: ClassVar[str] = "outreach_log"
    tables: ClassVar[tuple[str, ...]] = ("outreach_log",)
    topics: ClassVar[frozenset[str]] = frozenset({Member.Erased.TOPIC, OutreachRecorded.TOPIC})

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Each event in log order."""
        if not events:
            return
        positions = notification_ids(events)
        members = {e.member_id for e in events if type(e) is OutreachRecorded and e.note}
        keys = self.personal.writer_keys(members) if members else {}
        with cursor.connection.pipeline():
            for event, position in zip(events, positions, strict=True):
                if type(event) is Member.Erased:
                    cursor.execute(ERASE, (event.originator_id,))
                    continue
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
