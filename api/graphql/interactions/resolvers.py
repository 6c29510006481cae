"""Loading engagement data for a member page: score, rank, activity and interactions."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from api.graphql.context import Info
from api.graphql.interactions.types import (
    InteractionConnection,
    MemberEngagement,
    WeeklyActivity,
    interaction_from_row,
)
from api.graphql.relay import PageRequest
from api.services import Services, in_thread
from application.clock import utc_now
from domain.moments import week_of
from domain.values import Channel

ACTIVITY_WEEKS = 26


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
    request = PageRequest.checked(info, first, after)
    queries = info.context.services.engagement
    page = await request.read(
        lambda cursor, size: queries.interactions(member_id, cursor, size, reveal)
    )
    nodes = [interaction_from_row(row, reveal) for row in page.rows]
    return InteractionConnection.of(page, after, nodes)
