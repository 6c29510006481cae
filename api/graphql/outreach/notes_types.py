"""GraphQL types of notes on members: admin and manager only, texts opened at the edge."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry

from api.auth import MANAGE_OUTREACH
from api.graphql.context import Info
from api.graphql.errors import forbidden_query
from api.services import in_thread
from domain.outreach.note import NoteLinkKind
from projections.cursors import Row
from projections.outreach.notes import NotesProjection

strawberry.enum(
    NoteLinkKind,
    name="NoteLinkKind",
    description="What a note is about besides the member: one of their INTERACTIONs, a "
    "FEEDBACK item they gave or support, or a conduct INCIDENT about them.",
)

ROLES = ", ".join(role.value for role in MANAGE_OUTREACH)


@strawberry.type(description="The item a note is about, besides the member.")
class NoteLink:
    kind: NoteLinkKind = strawberry.field(description="Interaction, feedback item or incident.")
    id: strawberry.ID = strawberry.field(description="The linked item's id.")


@strawberry.type(description="One version of a note: as added (version 1), then each edit.")
class NoteVersion:
    version: int = strawberry.field(description="The note's version this text was written at.")
    text: str | None = strawberry.field(description="The text; null once the member is erased.")
    written_by: strawberry.ID = strawberry.field(description="The staff member who wrote it.")
    at: datetime = strawberry.field(description="When it was written.")


@strawberry.type(description="A staff note on a member (admin and manager only).")
class MemberNote:
    id: strawberry.ID = strawberry.field(description="Stable note id (a UUID).")
    member_id: strawberry.ID = strawberry.field(description="The member the note is about.")
    author_id: strawberry.ID = strawberry.field(description="The staff member who wrote it.")
    text: str | None = strawberry.field(
        description="The current text; null once the member is erased."
    )
    link: NoteLink | None = strawberry.field(description="The item it is about, if any.")
    added_at: datetime = strawberry.field(description="When it was written.")
    edited_at: datetime | None = strawberry.field(description="When it was last edited.")
    edited_by: strawberry.ID | None = strawberry.field(description="Who last edited it.")
    member_erased: bool = strawberry.field(
        description="The member was erased: every version's text is gone."
    )
    version: int = strawberry.field(
        description="Number of versions so far; pass as expectedVersion to edit it."
    )
    history: list[NoteVersion] = strawberry.field(
        description="Every version of the text, oldest first (the last is the current one)."
    )


def note_from_row(row: Row) -> MemberNote:
    """The GraphQL note of a read-model row (texts already opened)."""
    link = None
    if row["link_kind"] is not None:
        link = NoteLink(kind=NoteLinkKind(row["link_kind"]), id=_id(row["link_id"]))
    return MemberNote(
        id=_id(row["note_id"]),
        member_id=_id(row["member_id"]),
        author_id=_id(row["author_id"]),
        text=row["text"],
        link=link,
        added_at=row["added_at"],
        edited_at=row["edited_at"],
        edited_by=None if row["edited_by"] is None else _id(row["edited_by"]),
        member_erased=row["member_erased"],
        version=row["version"],
        history=[
            NoteVersion(
                version=v["version"], text=v["text"], written_by=_id(v["written_by"]), at=v["at"]
            )
            for v in row["versions"]
        ],
    )


async def member_notes(info: Info, member_id: UUID, first: int) -> list[MemberNote]:
    """member.notes: newest first, for admins and managers (FORBIDDEN for other roles)."""
    if not info.context.principal.can_manage_outreach:
        raise forbidden_query(f"your role may not read notes on members ({ROLES} only)")
    rows = await in_thread(info.context.services.notes.for_member, member_id, first)
    return [note_from_row(row) for row in rows]


async def load_note(info: Info, note_id: UUID, position: int | None) -> MemberNote | None:
    """The note once the read model holds `position` (read-your-writes); None if it lags."""
    services = info.context.services
    if not await in_thread(services.wait_for, NotesProjection.name, position):
        return None
    row = await in_thread(services.notes.by_id, note_id)
    return None if row is None else note_from_row(row)


def _id(value: Any) -> strawberry.ID:
    return strawberry.ID(str(value))
