"""The `outreach_notes` projection: notes on members and every version of each.

Notes are few: each event is two statements, sent in one pipeline. Texts are sealed under
the member's key, bound to the note (and version); Member.Erased clears them and flags the
rows, so nothing readable of the member is left even before the key is shredded.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.members.member import Member
from domain.outreach.note_events import NOTE_EVENTS, NoteAdded, NoteEdited, NoteEvent
from projections.outreach.in_order import SealedInOrder
from projections.personal import Keys, seal_value

# The contexts sealed texts are bound to (with the note id, and its version in history).
NOTE_TEXT = "member_notes.text"
VERSION_TEXT = "member_note_versions.text"

ADD = """
INSERT INTO member_notes (note_id, member_id, author_id, sealed_text, link_kind, link_id,
    added_at, version, position)
VALUES (%(id)s, %(member_id)s, %(by)s, %(text)s, %(link_kind)s, %(link_id)s, %(at)s,
    %(version)s, %(position)s)
ON CONFLICT (note_id) DO NOTHING
"""
EDIT = """
UPDATE member_notes SET sealed_text = %(text)s, edited_at = %(at)s, edited_by = %(by)s,
    version = %(version)s, position = %(position)s
WHERE note_id = %(id)s AND version < %(version)s
"""
VERSION = """
INSERT INTO member_note_versions (note_id, version, member_id, written_by, at, sealed_text,
    position)
VALUES (%(id)s, %(version)s, %(member_id)s, %(by)s, %(at)s, %(version_text)s, %(position)s)
ON CONFLICT DO NOTHING
"""
ERASE_NOTES = (
    "UPDATE member_notes SET member_erased = true, sealed_text = NULL WHERE member_id = %s"
)
ERASE_VERSIONS = "UPDATE member_note_versions SET sealed_text = NULL WHERE member_id = %s"


def version_owner(note_id: object, version: int) -> str:
    """What a version's sealed text is bound to: the note and the version."""
    return f"{note_id}:{version}"


class NotesProjection(SealedInOrder):
    """Notes on members, for admins and managers."""

    name: ClassVar[str] = "outreach_notes"
    tables: ClassVar[tuple[str, ...]] = ("member_notes", "member_note_versions")
    topics: ClassVar[frozenset[str]] = frozenset(
        {Member.Erased.TOPIC, *(kind.TOPIC for kind in NOTE_EVENTS)}
    )

    erase: ClassVar[tuple[str, ...]] = (ERASE_NOTES, ERASE_VERSIONS)

    def sealed_for(self, event: Any) -> UUID | None:
        """The member the note is about: its text is sealed under their key."""
        return event.member_id if isinstance(event, NoteEvent) else None

    def write(self, cursor: Cursor[Any], event: Any, position: int, keys: Keys) -> None:
        """A note added or edited, with its new version."""
        _write(cursor, event, position, keys)


def _write(cursor: Cursor[Any], event: NoteEvent, position: int, keys: Keys) -> None:
    key = keys.get(event.member_id)
    note_id, version = event.originator_id, event.originator_version
    values: dict[str, Any] = {
        "id": note_id,
        "member_id": event.member_id,
        "version": version,
        "position": position,
        "at": event.at,
        "text": seal_value(key, event.text, NOTE_TEXT, note_id),
        "version_text": seal_value(key, event.text, VERSION_TEXT, version_owner(note_id, version)),
    }
    if isinstance(event, NoteAdded):
        values |= {"by": event.author_id, "link_kind": event.link_kind, "link_id": event.link_id}
        cursor.execute(ADD, values)
    else:
        assert isinstance(event, NoteEdited)
        values["by"] = event.edited_by
        cursor.execute(EDIT, values)
    cursor.execute(VERSION, values)
