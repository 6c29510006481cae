"""Notes on members: staff write them, edit them (each version kept), and may link one to
an interaction, a feedback item or a conduct incident of the same member."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.members.community import Community
from application.outreach.staff import check_member, check_staff, save_about
from domain.conduct import Incident
from domain.errors import InvalidField
from domain.feedback.item import FeedbackItem
from domain.interactions.interaction import Interaction
from domain.outreach.commands_notes import AddMemberNote, EditMemberNote
from domain.outreach.note import Note, NoteLinkKind, NoteNotFound, NoteVersionMismatch


class LinkedItemNotFound(InvalidField):
    """The note links to an item that does not exist (or is not of the kind named)."""

    field_code = "not_found"

    def __init__(self, kind: NoteLinkKind, item_id: UUID) -> None:
        super().__init__("link_id", f"no {kind.value} has id {item_id}")
        self.item_id = item_id


class LinkedItemOfAnotherMember(InvalidField):
    """The note links to an item that concerns another member than the note's."""

    field_code = "other_member"

    def __init__(self, kind: NoteLinkKind, item_id: UUID) -> None:
        super().__init__("link_id", f"{kind.value} {item_id} does not concern this member")


@dataclass(frozen=True)
class NoteChange:
    """The outcome of a command: the note after it, and where its last event landed."""

    note: Note
    position: int | None


class NoteDesk:
    """Note use cases as load, act, save through the Community (the one event store)."""

    def __init__(self, community: Community) -> None:
        self.community = community

    def get_note(self, note_id: UUID) -> Note:
        """The note's current state; NoteNotFound if no note has this id."""
        try:
            found: Aggregate = self.community.repository.get(note_id)
        except AggregateNotFoundError:
            raise NoteNotFound(note_id) from None
        if not isinstance(found, Note):
            raise NoteNotFound(note_id)
        return found

    def add(self, command: AddMemberNote) -> NoteChange:
        """Write a note on a member (present, not erased) by a staff member."""
        check_member(self.community, command.member_id)
        check_staff(self.community, "author_id", command.author_id)
        if command.link_kind is not None and command.link_id is not None:
            self._check_link(command.member_id, command.link_kind, command.link_id)
        now = self.community.clock()
        note = Note.add(
            member_id=command.member_id,
            author_id=command.author_id,
            text=command.text,
            link_kind=command.link_kind,
            link_id=command.link_id,
            at=command.at or now,
            now=now,
            bounds=self.community.bounds,
        )
        return self._save(note)

    def edit(self, command: EditMemberNote) -> NoteChange:
        """Replace a note's text at the version the editor read: of two edits made from the
        same version one is saved, the other refused with NoteVersionMismatch."""
        note = self.get_note(command.note_id)
        check_member(self.community, note.member_id)
        check_staff(self.community, "edited_by", command.edited_by)
        if note.version != command.expected_version:
            raise NoteVersionMismatch(note.id, command.expected_version, note.version)
        note.edit(text=command.text, edited_by=command.edited_by, at=self.community.clock())
        try:
            return self._save(note)
        except IntegrityError:
            # Another edit of the same version was saved first.
            current = self.get_note(note.id).version
            raise NoteVersionMismatch(note.id, command.expected_version, current) from None

    def _save(self, note: Note) -> NoteChange:
        return NoteChange(note, save_about(self.community, note, note.member_id))

    def _check_link(self, member_id: UUID, kind: NoteLinkKind, item_id: UUID) -> None:
        """The linked item exists, is of the kind named, and concerns the note's member:
        the interaction is theirs, they gave or support the item, the incident is about them."""
        try:
            item: Aggregate = self.community.repository.get(item_id)
        except AggregateNotFoundError:
            raise LinkedItemNotFound(kind, item_id) from None
        if kind is NoteLinkKind.INTERACTION and isinstance(item, Interaction):
            concerned = item.member_id == member_id
        elif kind is NoteLinkKind.FEEDBACK and isinstance(item, FeedbackItem):
            concerned = item.author_id == member_id or member_id in item.supporters
        elif kind is NoteLinkKind.INCIDENT and isinstance(item, Incident):
            concerned = item.member_id == member_id
        else:
            raise LinkedItemNotFound(kind, item_id)
        if not concerned:
            raise LinkedItemOfAnotherMember(kind, item_id)
