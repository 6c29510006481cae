"""The Note aggregate: what a staff member wrote about a member, and every edit of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import ConflictError, DomainError, InvalidField, VersionMismatch
from domain.moments import DEFAULT_BOUNDS, TimeBounds
from domain.outreach.note_events import NoteAdded, NoteEdited


class NoteLinkKind(StrEnum):
    """What a note may be about besides the member: one of their interactions, a feedback
    item they gave or supported, or a conduct incident about them."""

    INTERACTION = "interaction"
    FEEDBACK = "feedback"
    INCIDENT = "incident"


class NoteNotFound(DomainError):
    """No note has this id."""

    code = "NOTE_NOT_FOUND"

    def __init__(self, note_id: UUID) -> None:
        super().__init__(f"no note with id {note_id}")
        self.note_id = note_id


class NoteVersionMismatch(VersionMismatch):
    """The note was edited since the caller read it: one edit wins, the other reloads."""

    def __init__(self, note_id: UUID, expected: int, actual: int) -> None:
        super().__init__(note_id, expected, actual)
        self.args = (f"note {note_id} is at version {actual}, not {expected}: reload and retry",)
        self.note_id = note_id


class NoteUnchanged(ConflictError):
    """An edit must change the text: an edit that keeps it would only lengthen the history."""

    code = "NOTE_UNCHANGED"

    def __init__(self, note_id: UUID) -> None:
        super().__init__(f"note {note_id} already has this text")
        self.note_id = note_id


class Note(Aggregate):
    """One note on one member by a staff member; editable, each version kept in the log."""

    TOPIC = "crm.outreach.Note"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.outreach.NoteCreated"

    @classmethod
    def add(
        cls,
        *,
        member_id: UUID,
        author_id: UUID,
        text: str,
        link_kind: NoteLinkKind | None,
        link_id: UUID | None,
        at: datetime,
        now: datetime,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> Note:
        """A new note; a link names both its kind and its id, or neither."""
        bounds.check("at", at, now)
        if (link_kind is None) != (link_id is None):
            field = "link_id" if link_id is None else "link_kind"
            raise InvalidField(field, "a link needs both linkKind and linkId")
        return cls._create(
            NoteAdded,
            member_id=member_id,
            author_id=author_id,
            text=text,
            link_kind=link_kind.value if link_kind else None,
            link_id=link_id,
            at=at,
        )

    def __init__(
        self,
        *,
        member_id: UUID,
        author_id: UUID,
        text: str,
        link_kind: str | None,
        link_id: UUID | None,
        at: datetime,
    ) -> None:
        self.member_id = member_id
        self.author_id = author_id
        self.text = text
        self.link_kind = link_kind
        self.link_id = link_id
        self.added_at = at
        self.edited_at: datetime | None = None
        self.edited_by: UUID | None = None

    def edit(self, *, text: str, edited_by: UUID, at: datetime) -> None:
        """Replace the text; refused when it is the same text."""
        if text == self.text:
            raise NoteUnchanged(self.id)
        self.trigger_event(
            NoteEdited, member_id=self.member_id, text=text, edited_by=edited_by, at=at
        )
