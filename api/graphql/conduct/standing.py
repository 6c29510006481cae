"""Member.standing: every member of a page read together, in one query per request batch."""

from __future__ import annotations

from uuid import UUID

from api.graphql.conduct.types import MemberStanding, standing_of
from api.graphql.context import Context, Info
from api.graphql.loaders import request_loader
from api.services import in_thread


async def member_standing(info: Info, member_id: UUID) -> MemberStanding:
    """The member's standing now, batched with the other members the request shows.

    Shown to every role that may see the member: it is the member's status, not the record.
    """
    return await request_loader(info, "conduct.standing", _load).load(member_id)


async def _load(context: Context, ids: list[UUID]) -> list[MemberStanding]:
    found = await in_thread(context.services.conduct.standings, ids)
    return [standing_of(found[member_id]) for member_id in ids]
