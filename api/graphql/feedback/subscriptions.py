"""Feedback subscriptions: items pushed as they change, instead of pulling the feed."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.feedback.feed import FeedbackFeedEntry
from api.graphql.feedback.filters import FeedbackFilterInput, feedback_filter
from api.graphql.feedback.types import feedback_item_from_row
from api.services import Services, in_thread
from projections.feedback.projection import FeedbackProjection
from projections.feedback.rows import FeedEntry

# Changes read per query of the change feed while reading a span.
FEED_PAGE = 1_000


@strawberry.type
class FeedbackSubscription:
    """Subscriptions of the feedback context."""

    @strawberry.subscription(
        description="Each feedback item that changes and that the filter lists once changed,"
        " with the kinds of change, as entries of the change feed (feedbackChanges); from the"
        " moment you subscribe, once the feedback view has applied it."
    )
    async def feedback_changed(
        self,
        info: Info,
        filter: Annotated[
            FeedbackFilterInput | None,
            strawberry.argument(description="Which items; all when absent."),
        ] = None,
    ) -> AsyncGenerator[FeedbackFeedEntry, None]:
        where = feedback_filter(filter)
        live, services = info.context.live, info.context.services

        async def changes() -> AsyncGenerator[FeedbackFeedEntry, None]:
            with live.following([FeedbackProjection.name]) as spans:
                async for span in spans:
                    entries = await span.read("feed", lambda a, u: _span_entries(services, a, u))
                    if not entries:
                        continue
                    ids = [entry.item.item_id for entry in entries]
                    wanted = set(ids)
                    if filter is not None:
                        wanted = await in_thread(services.feedback.matching, where, ids)
                    for entry in entries:
                        if entry.item.item_id in wanted:
                            yield FeedbackFeedEntry(
                                item=feedback_item_from_row(entry.item),
                                changes=list(entry.changes),
                            )

        return changes()


def _span_entries(services: Services, after: int, until: int) -> list[FeedEntry]:
    """The change feed's entries in the span, read a page at a time."""
    entries: list[FeedEntry] = []
    while True:
        page = services.feedback.changes(after, FEED_PAGE, until)
        entries += page.entries
        if not page.has_more:
            return entries
        after = page.end_position
