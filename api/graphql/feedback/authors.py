"""Authors of a page of items, loaded together: one read of members per request, not per item."""

from __future__ import annotations

from uuid import UUID
from weakref import WeakKeyDictionary

from strawberry.dataloader import DataLoader

from api.graphql.context import Context, Info
from api.graphql.members import Member, load_members
from api.services import in_thread

# One loader per request (its context), gone with it; masking follows the request's role.
_LOADERS: WeakKeyDictionary[Context, DataLoader[UUID, Member | None]] = WeakKeyDictionary()


async def author_of(info: Info, member_id: UUID) -> Member | None:
    """The member, masked for the caller, batched with the other items' authors."""
    context = info.context
    loader = _LOADERS.get(context)
    if loader is None:
        loader = DataLoader(lambda ids: _load(context, ids))
        _LOADERS[context] = loader
    return await loader.load(member_id)


async def _load(context: Context, ids: list[UUID]) -> list[Member | None]:
    reveal = context.principal.can_read_personal_data
    members = await in_thread(load_members, context.services, ids, reveal)
    found = {UUID(m.id): m for m in members}
    return [found.get(member_id) for member_id in ids]
