"""Engagement queries: the ranking of members by current score."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.interactions.types import RankedMember, RankedMemberConnection
from api.graphql.members import Channel, load_members
from api.graphql.relay import DEFAULT_FIRST, After, First, PageRequest
from api.services import Services, in_thread
from application.clock import utc_now
from projections.cursors import Page


@strawberry.type
class EngagementQuery:
    """Queries of the engagement context."""

    @strawberry.field(
        description="Members by current engagement score, highest first; staff, bots and "
        "members who left are not ranked. With `channel`, by their score on that channel."
    )
    async def top_members(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        channel: Annotated[
            Channel | None,
            strawberry.argument(description="Rank by activity on this channel only."),
        ] = None,
    ) -> RankedMemberConnection:
        services = info.context.services
        request = PageRequest.checked(info, first, after)
        on = channel.value if channel is not None else None
        page = await request.read(
            lambda cursor, size: services.engagement.top_members(on, cursor, size)
        )
        reveal = info.context.principal.can_read_personal_data
        return await in_thread(_ranking, services, page, on, reveal, after)


def _ranking(
    services: Services, page: Page, channel: str | None, reveal: bool, after: str | None
) -> RankedMemberConnection:
    now = utc_now()
    members = {m.id: m for m in load_members(services, [r["member_id"] for r in page.rows], reveal)}
    first_place = 1
    if page.rows and after is not None:
        top = page.rows[0]
        first_place = services.engagement.position_in_ranking(
            channel, top["rank_key"], top["member_id"]
        )
    # A member gone since the page was read has no node; the others keep their places.
    nodes = [
        RankedMember(member=member, score=services.rule.score_at(row["rank_key"], now), rank=rank)
        if (member := members.get(strawberry.ID(str(row["member_id"]))))
        else None
        for rank, row in enumerate(page.rows, start=first_place)
    ]
    return RankedMemberConnection.of(page, after, nodes)
