"""Member.standing: every member of a page read together, in one query per request batch."""

from __future__ import annotations

from uuid import UUID
from weakref import WeakKeyDictionary

from strawberry.dataloader import DataLoader

from api.graphql.conduct.types import MemberStanding, standing_of
from api.graphql.context import Context, Info
from api.services import in_thread

# One loader per request (its context), gone with it: a page of members asks once.
_LOADERS: WeakKeyDictionary[Context, DataLoader[UUID, MemberStanding]] = WeakKeyDictionary()


async def member_standing(info: Info, member_id: UUID) -> MemberStanding:
    """The member's standing now, batched with the other members the request shows.

    Shown to every role that may see the member: it is the member's status, not the record.
    """
    context = info.context
    loader = _LOADERS.get(context)
    if loader is None:
        loader = DataLoader(lambda ids: _load(context, ids))
        _LOADERS[context] = loader
    return await loader.load(member_id)


async def _load(context: Context, ids: list[UUID]) -> list[MemberStanding]:
    found = await in_thread(context.services.conduct.standings, ids)
    return [standing_of(found[member_id]) for member_id in ids]
