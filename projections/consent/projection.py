"""The `consent` projection: texts stored once, each member's current answer per purpose, and
every consent event as proof.

The latest answer per (member, purpose) wins by when the member gave it (then by log
order), as domain/consent/rules.py says; the note is sealed under the member's key, and
an erasure deletes the member's rows (the event log keeps the proof, its note shredded).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import Cursor

from domain.consent import ConsentText
from domain.members.member import Member
from projections.personal import Keys, seal_value
from projections.projection import SealingProjection, notification_ids

# The context a note is sealed in: bound to its member and position (see note_owner).
CONSENT_NOTE = "consent_history.note"

INSERT_TEXT = """
INSERT INTO consent_texts (purpose, version, text, sha256, registered_at, registered_by, position)
VALUES (%(purpose)s, %(version)s, %(text)s, %(sha256)s, %(at)s, %(by)s, %(position)s)
ON CONFLICT (purpose, version) DO NOTHING
"""
INSERT_HISTORY = """
INSERT INTO consent_history (member_id, position, purpose, given, text_version, source,
    recorded_by, recorded_with, at, expires_at, sealed_note)
VALUES (%(member)s, %(position)s, %(purpose)s, %(given)s, %(version)s, %(source)s, %(by)s,
    %(with)s, %(at)s, %(expires)s, %(note)s)
ON CONFLICT (member_id, position) DO NOTHING
"""
# The member's later answer replaces the current one; an earlier one only joins the history.
SET_CURRENT = """
INSERT INTO member_consents (member_id, purpose, given, text_version, source, recorded_by, at,
    expires_at, position)
VALUES (%(member)s, %(purpose)s, %(given)s, %(version)s, %(source)s, %(by)s, %(at)s,
    %(expires)s, %(position)s)
ON CONFLICT (member_id, purpose) DO UPDATE SET given = EXCLUDED.given,
    text_version = EXCLUDED.text_version, source = EXCLUDED.source,
    recorded_by = EXCLUDED.recorded_by, at = EXCLUDED.at, expires_at = EXCLUDED.expires_at,
    position = EXCLUDED.position
WHERE (EXCLUDED.at, EXCLUDED.position) > (member_consents.at, member_consents.position)
"""
ERASE_CURRENT = "DELETE FROM member_consents WHERE member_id = %s"
ERASE_HISTORY = "DELETE FROM consent_history WHERE member_id = %s"

_CONSENT_EVENTS = (Member.ConsentGiven, Member.ConsentWithdrawn)


def note_owner(member_id: object, position: object) -> str:
    """What a sealed note is bound to: its member and its place in the log."""
    return f"{member_id}:{position}"


class ConsentProjection(SealingProjection):
    """Consent texts and members' consents, for member.consents, the program and exports."""

    name: ClassVar[str] = "consent"
    tables: ClassVar[tuple[str, ...]] = ("consent_texts", "member_consents", "consent_history")
    topics: ClassVar[frozenset[str]] = frozenset(
        kind.TOPIC for kind in (ConsentText.TextRegistered, *_CONSENT_EVENTS, Member.Erased)
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply each event in log order: consent events are few, statements are pipelined."""
        if not events:
            return
        positions = notification_ids(events)
        noted = {e.originator_id for e in events if type(e) in _CONSENT_EVENTS and e.note}
        keys = self.personal.writer_keys(noted) if noted else {}
        with cursor.connection.pipeline():
            for event, position in zip(events, positions, strict=True):
                _apply(cursor, event, position, keys)


def _apply(cursor: Cursor[Any], event: Any, position: int, keys: Keys) -> None:
    kind = type(event)
    if kind is ConsentText.TextRegistered:
        cursor.execute(INSERT_TEXT, _text(event, position))
    elif kind is Member.Erased:
        cursor.execute(ERASE_CURRENT, (event.originator_id,))
        cursor.execute(ERASE_HISTORY, (event.originator_id,))
    else:
        row = _consent(event, position, keys)
        cursor.execute(INSERT_HISTORY, row)
        cursor.execute(SET_CURRENT, row)


def _text(event: Any, position: int) -> dict[str, Any]:
    return {
        "purpose": event.purpose,
        "version": event.version,
        "text": event.text,
        "sha256": bytes.fromhex(event.sha256),
        "at": event.timestamp,
        "by": event.registered_by,
        "position": position,
    }


def _consent(event: Any, position: int, keys: Keys) -> dict[str, Any]:
    given = type(event) is Member.ConsentGiven
    member = event.originator_id
    return {
        "member": member,
        "position": position,
        "purpose": event.purpose,
        "given": given,
        "version": event.text_version if given else None,
        "source": event.source,
        "by": event.recorded_by,
        "with": event.recorded_with,
        "at": event.at,
        "expires": event.expires_at if given else None,
        # None when the key is already shredded: the note is then gone for good.
        "note": seal_value(
            keys.get(member), event.note, CONSENT_NOTE, note_owner(member, position)
        ),
    }
