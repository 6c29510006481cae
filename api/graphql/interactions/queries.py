"""Engagement queries: the ranking of members by current score."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_input
from api.graphql.interactions.types import RankedMember, RankedMemberConnection, RankedMemberEdge
from api.graphql.members.queries import load_members
from api.graphql.members.types import Channel, page_info
from api.services import Services, in_thread
from application.members.community import utc_now
from projections.cursors import InvalidCursor
from projections.members.queries import Page


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
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = 50,
        after: Annotated[str | None, strawberry.argument(description="An endCursor.")] = None,
        channel: Annotated[
            Channel | None,
            strawberry.argument(description="Rank by activity on this channel only."),
        ] = None,
    ) -> RankedMemberConnection:
        services = info.context.services
        limit = services.runtime.settings.max_page_size
        if not 1 <= first <= limit:
            raise bad_input(f"first must be between 1 and {limit}")
        on = channel.value if channel is not None else None
        try:
            page = await in_thread(services.engagement.top_members, on, after, first)
        except InvalidCursor as error:
            raise bad_input(f"after: {error}") from None
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
    edges = [
        RankedMemberEdge(
            node=RankedMember(
                member=members[strawberry.ID(str(row["member_id"]))],
                score=services.rule.score_at(row["rank_key"], now),
                rank=first_place + offset,
            ),
            cursor=cursor,
        )
        for offset, (row, cursor) in enumerate(zip(page.rows, page.cursors, strict=True))
        if strawberry.ID(str(row["member_id"])) in members
    ]
    return RankedMemberConnection(
        edges=edges,
        page_info=page_info(page, after),
    )
