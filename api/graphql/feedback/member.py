"""member.feedback: what a member asked for or supported, and what became of it."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.feedback.types import FeedbackItem, feedback_item_from_row
from api.services import in_thread


@strawberry.enum(description="How a member stands to an item.")
class FeedbackRelation(StrEnum):
    AUTHOR = "author"
    SUPPORTER = "supporter"


@strawberry.type(description="An item a member gave or supported, as it stands now.")
class MemberFeedback:
    relation: FeedbackRelation = strawberry.field(description="Gave it, or supported it.")
    item: FeedbackItem = strawberry.field(
        description="The item: its status says what became of it."
    )


async def member_feedback(info: Info, member_id: UUID, first: int) -> list[MemberFeedback]:
    """The member's first items, as the read model orders them (newest first)."""
    rows = await in_thread(info.context.services.feedback.for_member, member_id)
    return [
        MemberFeedback(relation=FeedbackRelation(relation), item=feedback_item_from_row(row))
        for row, relation in rows[:first]
    ]
