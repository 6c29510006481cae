"""An item's supporters: member id, importance, and engagement level; no personal data."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.feedback.enums import ImportanceEnum
from api.graphql.members import Member, load_members
from api.services import Services, in_thread
from application.clock import utc_now
from domain.feedback.workflow import Importance
from domain.lifecycle.stages import Stage

if TYPE_CHECKING:
    from api.graphql.lifecycle import MemberStage

# The lifecycle context's enum, named lazily: contexts do not import each other's types.
MemberStageRef = Annotated["MemberStage", strawberry.lazy("api.graphql.lifecycle")]


@strawberry.type(description="A member backing an item, and how engaged they are.")
class FeedbackSupporter:
    member_id: strawberry.ID = strawberry.field(description="The supporting member.")
    member: Member | None = strawberry.field(
        description="The member, with your role's masking as everywhere (no e-mail or "
        "handles for roles without personal-data access)."
    )
    importance: Importance = strawberry.field(description="How much the item matters to them.")
    supported_at: datetime = strawberry.field(description="When they gave their support.")
    stage: MemberStageRef | None = strawberry.field(
        description="Their lifecycle stage now; null before their first evaluation."
    )
    engagement_score: float | None = strawberry.field(
        description="Their engagement score now (decayed); null before any interaction."
    )


async def supporters_of(info: Info, item_id: UUID, first: int) -> list[FeedbackSupporter]:
    """The first supporters of an item, as the read model orders them."""
    reveal = info.context.principal.can_read_personal_data
    return await in_thread(_supporters, info.context.services, item_id, first, reveal)


def _supporters(
    services: Services, item_id: UUID, first: int, reveal: bool
) -> list[FeedbackSupporter]:
    rows = services.feedback.supporters(item_id)[:first]
    ids = [row.member_id for row in rows]
    levels = services.engagement_levels.of(ids) if ids else {}
    members = {UUID(m.id): m for m in load_members(services, ids, reveal)} if ids else {}
    now = utc_now()
    supporters = []
    for row in rows:
        level = levels.get(row.member_id)
        rank_key = level.rank_key if level else None
        supporters.append(
            FeedbackSupporter(
                member_id=strawberry.ID(str(row.member_id)),
                member=members.get(row.member_id),
                importance=ImportanceEnum(row.importance),
                supported_at=row.supported_at,
                stage=Stage(level.stage) if level and level.stage else None,
                engagement_score=services.rule.score_at(rank_key, now)
                if rank_key is not None
                else None,
            )
        )
    return supporters
