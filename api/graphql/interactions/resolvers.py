"""Loading engagement data for a member page: score, rank, activity and interactions."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from api.graphql.context import Info
from api.graphql.errors import bad_input
from api.graphql.interactions.types import (
    InteractionConnection,
    InteractionEdge,
    MemberEngagement,
    WeeklyActivity,
    interaction_from_row,
)
from api.graphql.members.types import page_info
from api.services import Services, in_thread
from application.members.community import utc_now
from domain.moments import week_of
from domain.values import Channel
from projections.cursors import InvalidCursor

ACTIVITY_WEEKS = 26
MAX_INTERACTIONS_PAGE = 100


async def member_engagement(info: Info, member_id: UUID) -> MemberEngagement | None:
    """The member's engagement now; null when the member never interacted."""
    return await in_thread(_engagement, info.context.services, member_id)


def _engagement(services: Services, member_id: UUID) -> MemberEngagement | None:
    row = services.engagement.engagement(member_id)
    if row is None:
        return None
    now = utc_now()
    since = week_of(now) - timedelta(weeks=ACTIVITY_WEEKS - 1)
    activity = services.engagement.weekly_activity(member_id, since)
    rank, ranked = row["rank"], row["ranked"]
    return MemberEngagement(
        score=services.rule.score_at(row["rank_key"], now),
        rank=rank,
        percentile=round(100.0 * (ranked - rank + 1) / ranked, 2) if rank and ranked else None,
        ranked_members=ranked,
        interactions=row["interactions"],
        first_interaction_at=row["first_interaction_at"],
        last_interaction_at=row["last_interaction_at"],
        rule_version=services.rule.version,
        weekly_activity=[
            WeeklyActivity(
                week=a["week"],
                channel=Channel(a["channel"]),
                interactions=a["interactions"],
                weight=a["weight"],
            )
            for a in activity
        ],
    )


async def member_interactions(
    info: Info, member_id: UUID, first: int, after: str | None, reveal: bool
) -> InteractionConnection:
    """A page of the member's interactions, newest first."""
    if not 1 <= first <= MAX_INTERACTIONS_PAGE:
        raise bad_input(f"first must be between 1 and {MAX_INTERACTIONS_PAGE}")
    queries = info.context.services.engagement
    try:
        page = await in_thread(queries.interactions, member_id, after, first, reveal)
    except InvalidCursor as error:
        raise bad_input(f"after: {error}") from None
    edges = [
        InteractionEdge(node=interaction_from_row(row, reveal), cursor=cursor)
        for row, cursor in zip(page.rows, page.cursors, strict=True)
    ]
    return InteractionConnection(
        edges=edges,
        page_info=page_info(page, after),
    )
