"""Note commands: what a caller asks, validated before the domain sees it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, Field

from domain.commands import AwareDatetime, Command
from domain.outreach.note import NoteLinkKind
from domain.texts import check_free_text

MAX_NOTE = 10_000


def _text(value: str) -> str:
    return check_free_text(value, "text", MAX_NOTE)


NoteText = Annotated[str, AfterValidator(_text)]


class AddMemberNote(Command):
    """A staff member writes a note on a member, optionally about one linked item."""

    member_id: UUID
    author_id: UUID
    text: NoteText
    link_kind: NoteLinkKind | None = None
    link_id: UUID | None = None
    at: AwareDatetime = None


class EditMemberNote(Command):
    """A staff member replaces a note's text, at the version they read (required: an edit
    that did not see the last one would silently undo it)."""

    note_id: UUID
    expected_version: int = Field(ge=1)
    edited_by: UUID
    text: NoteText
