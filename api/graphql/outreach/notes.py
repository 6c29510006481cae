"""Note mutations: addMemberNote and editMemberNote, admin and manager only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from api.graphql.context import Info
from api.graphql.errors import Conflict, Forbidden, NotFound, ValidationFailed, domain_error
from api.graphql.outreach.notes_execute import staff_command
from api.graphql.outreach.notes_types import MemberNote, load_note
from application.outreach.notes import NoteChange
from domain.errors import DomainError
from domain.outreach.commands_notes import AddMemberNote, EditMemberNote
from domain.outreach.note import NoteLinkKind, NoteNotFound

_TEXT = "The note (1-10000 characters; line breaks kept, no other control characters)."


@strawberry.input(description="A note on a member, optionally about one of their items.")
class AddMemberNoteInput:
    member_id: strawberry.ID = strawberry.field(description="The member the note is about.")
    author_id: strawberry.ID = strawberry.field(
        description="The staff member writing it (marked as staff, not erased)."
    )
    text: str = strawberry.field(description=f"{_TEXT} Personal data: sealed.")
    link_kind: NoteLinkKind | None = strawberry.field(
        default=None, description="What linkId names; give both or neither."
    )
    link_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An interaction of the member, a feedback item they gave or support, or "
        "a conduct incident about them; refused (field linkId) when missing or another's.",
    )
    at: datetime | None = strawberry.field(
        default=None, description="When it was written, with a timezone; default now."
    )


@strawberry.input(description="A new text for a note, at the version the editor read.")
class EditMemberNoteInput:
    note_id: strawberry.ID = strawberry.field(description="The note.")
    expected_version: int = strawberry.field(
        description="The note's version the edit was made from: if another edit came first, "
        "the edit is refused with a VERSION_MISMATCH conflict (reload and retry)."
    )
    edited_by: strawberry.ID = strawberry.field(description="The staff member editing it.")
    text: str = strawberry.field(description=_TEXT)


@strawberry.type
class NoteChanged:
    """Base of the success types: the note after the change (not in the schema)."""

    note: MemberNote | None = strawberry.field(
        description="The note after the change (read your write); null only when the read "
        "model lags past the read-your-writes timeout."
    )
    note_id: strawberry.ID = strawberry.field(description="The note's id.")
    version: int = strawberry.field(description="Its version now; pass as expectedVersion.")


@strawberry.type(description="The note is recorded.")
class MemberNoteAdded(NoteChanged):
    pass


@strawberry.type(description="The note's text is replaced; the earlier one stays in history.")
class MemberNoteEdited(NoteChanged):
    pass


def _result(name: str) -> Any:
    return strawberry.union(
        name, description="The success type, or the typed error that explains the refusal."
    )


Errors = ValidationFailed | NotFound | Conflict | Forbidden
AddMemberNoteResult = Annotated[MemberNoteAdded | Errors, _result("AddMemberNoteResult")]
EditMemberNoteResult = Annotated[MemberNoteEdited | Errors, _result("EditMemberNoteResult")]


def _refused(error: DomainError) -> NotFound | ValidationFailed | Conflict:
    if isinstance(error, NoteNotFound):
        return NotFound(message=str(error), id=strawberry.ID(str(error.note_id)))
    return domain_error(error)


async def _changed(info: Info, change: NoteChange) -> dict[str, Any]:
    return {
        "note": await load_note(info, change.note.id, change.position),
        "note_id": strawberry.ID(str(change.note.id)),
        "version": change.note.version,
    }


@strawberry.type
class NoteMutation:
    """Mutations of notes on members."""

    @strawberry.mutation(
        description="Write a note on a member (admin, manager). The text is sealed under the "
        "member's key: erasing the member makes it unreadable."
    )
    async def add_member_note(self, info: Info, input: AddMemberNoteInput) -> AddMemberNoteResult:
        def build() -> AddMemberNote:
            return AddMemberNote(
                member_id=input.member_id,
                author_id=input.author_id,
                text=input.text,
                link_kind=input.link_kind,
                link_id=input.link_id,
                at=input.at,
            )

        desk = info.context.services.use_cases.notes
        outcome = await staff_command(info, "write notes on members", build, desk.add, _refused)
        if isinstance(outcome, NoteChange):
            return MemberNoteAdded(**await _changed(info, outcome))
        return outcome

    @strawberry.mutation(
        description="Replace a note's text (admin, manager); each version stays in its history. "
        "Of two edits from the same version, one is saved and the other refused (VERSION_MISMATCH)."
    )
    async def edit_member_note(
        self, info: Info, input: EditMemberNoteInput
    ) -> EditMemberNoteResult:
        def build() -> EditMemberNote:
            return EditMemberNote(
                note_id=input.note_id,
                expected_version=input.expected_version,
                edited_by=input.edited_by,
                text=input.text,
            )

        desk = info.context.services.use_cases.notes
        outcome = await staff_command(info, "edit notes on members", build, desk.edit, _refused)
        if isinstance(outcome, NoteChange):
            return MemberNoteEdited(**await _changed(info, outcome))
        return outcome
