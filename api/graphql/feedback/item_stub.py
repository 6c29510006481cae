"""Stand-in for api/graphql/feedback/types.py (fb-read) until that branch is merged.

Only what the mutations' success types need: replaced by the real FeedbackItem at merge.
"""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.graphql.context import Info


@strawberry.type(description="What a member said, who backs it, and what became of it.")
class FeedbackItem:
    id: strawberry.ID = strawberry.field(description="Stable item id (a UUID).")


async def load_feedback_item(
    info: Info, item_id: UUID, position: int | None
) -> FeedbackItem | None:
    """The item as the read model holds it; None until the read side is merged."""
    return None
