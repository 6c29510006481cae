"""Reads over the `outreach_notes` projection: a member's notes with their versions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import Row
from projections.outreach.notes import NOTE_TEXT, VERSION_TEXT, version_owner
from projections.personal import PersonalData, open_value

NOTES = """
SELECT * FROM member_notes WHERE member_id = %s
ORDER BY added_at DESC, note_id DESC LIMIT %s
"""
VERSIONS = """
SELECT * FROM member_note_versions WHERE note_id = ANY(%s) ORDER BY note_id, version
"""


class NoteQueries:
    """SQL over the notes tables; texts opened with one key query per read."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def for_member(self, member_id: UUID, first: int | None) -> list[Row]:
        """The member's notes, newest first, each with `versions` (oldest first), opened;
        the first `first`, or every one for None (LIMIT NULL: no limit)."""
        return self._with_versions(self._rows(NOTES, (member_id, first)))

    def by_id(self, note_id: UUID) -> Row | None:
        """One note with its versions, opened; None when the read model does not hold it."""
        rows = self._rows("SELECT * FROM member_notes WHERE note_id = %s", (note_id,))
        return self._with_versions(rows)[0] if rows else None

    def _with_versions(self, notes: list[Row]) -> list[Row]:
        if not notes:
            return notes
        members = {n["member_id"] for n in notes if not n["member_erased"]}
        keys = self.personal.reader_keys(members) if members else {}
        versions: dict[UUID, list[Row]] = {n["note_id"]: [] for n in notes}
        for row in self._rows(VERSIONS, (list(versions),)):
            key = keys.get(row["member_id"])
            owner = version_owner(row["note_id"], row["version"])
            row["text"] = open_value(key, row.pop("sealed_text"), VERSION_TEXT, owner)
            versions[row["note_id"]].append(row)
        for note in notes:
            key = keys.get(note["member_id"])
            note["text"] = open_value(key, note.pop("sealed_text"), NOTE_TEXT, note["note_id"])
            note["versions"] = versions[note["note_id"]]
        return notes

    def _rows(self, query: Any, params: Any = ()) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()
