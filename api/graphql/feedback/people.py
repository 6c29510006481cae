"""Members named by feedback (authors, supporters), read together: one query per batch."""

from __future__ import annotations

from uuid import UUID

from api.graphql.context import Context, Info
from api.graphql.loaders import request_loader
from api.graphql.members import Member, load_members
from api.services import in_thread


async def member_of(info: Info, member_id: UUID) -> Member | None:
    """The member, masked for the caller, batched with the others the request names."""
    return await request_loader(info, "feedback.members", _load).load(member_id)


async def _load(context: Context, ids: list[UUID]) -> list[Member | None]:
    reveal = context.principal.can_read_personal_data
    members = await in_thread(load_members, context.services, ids, reveal)
    found = {UUID(m.id): m for m in members}
    return [found.get(member_id) for member_id in ids]
