"""What happens to a note on a member, in the past tense: the Note's events.

The text is free text about the member: sealed under the member's key (PERSONAL_SUBJECT),
so erasing the member shreds every version of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.pinned import PinnedTopic

if TYPE_CHECKING:
    from domain.outreach.note import Note


class NoteEvent(PinnedTopic, Aggregate.Event):
    """Base of note events: each pins its topic; the text is sealed under the member's key."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("text",)
    PERSONAL_SUBJECT: ClassVar[str] = "member_id"
    member_id: UUID
    text: str
    at: datetime


class NoteAdded(NoteEvent, Aggregate.Created):
    """A staff member wrote a note on a member, perhaps about one interaction, item or incident."""

    TOPIC = "crm.outreach.NoteAdded"
    author_id: UUID
    link_kind: str | None  # interaction, feedback, incident; None when not linked
    link_id: UUID | None

    def apply(self, aggregate: Note) -> None:
        """The aggregate's __init__ sets the note from the event."""


class NoteEdited(NoteEvent):
    """A staff member replaced the note's text; earlier versions stay in its history."""

    TOPIC = "crm.outreach.NoteEdited"
    edited_by: UUID

    def apply(self, aggregate: Note) -> None:
        aggregate.text = self.text
        aggregate.edited_at = self.at
        aggregate.edited_by = self.edited_by


NOTE_EVENTS: tuple[type[NoteEvent], ...] = (NoteAdded, NoteEdited)
