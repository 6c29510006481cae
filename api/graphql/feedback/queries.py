"""Feedback queries: the item list, one item, the manager's reports and the change feed.

Every role may read feedback; no feedback type holds an e-mail or a handle.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_input
from api.graphql.feedback.feed import (
    FeedbackChangePage,
    change_page_of,
    check_feed_size,
    feed_position,
)
from api.graphql.feedback.filters import FeedbackFilterInput, feedback_filter
from api.graphql.feedback.reports import (
    FeedbackSummary,
    From,
    ResponseTimeGrouping,
    ResponseTimeReport,
    To,
    checked_span,
    response_times_of,
    summary_of,
)
from api.graphql.feedback.types import (
    FeedbackItem,
    FeedbackItemConnection,
    feedback_item_by_id,
    feedback_item_from_row,
)
from api.graphql.relay import DEFAULT_FIRST, After, First, check_first
from api.services import in_thread
from application.clock import utc_now
from projections.cursors import InvalidCursor
from projections.feedback.queries import FeedbackOrder
from projections.feedback.reports import ResponseGroup

# The GraphQL enum is the read model's own class (strawberry.enum returns the class given).
FeedbackOrderEnum = FeedbackOrder
strawberry.enum(
    FeedbackOrderEnum,
    name="FeedbackOrder",
    description="NEWEST first; MOST_SUPPORTED: most unique members across the duplicate "
    "group; VOICE: support weighted by importance and by the supporters' engagement.",
)
DEFAULT_FEED_PAGE = 100


@strawberry.type
class FeedbackQuery:
    """Queries of the feedback context."""

    @strawberry.field(description="Feedback items matching a filter, a page at a time (keyset).")
    async def feedback_items(
        self,
        info: Info,
        filter: Annotated[
            FeedbackFilterInput | None,
            strawberry.argument(description="Which items; all when absent."),
        ] = None,
        order_by: Annotated[
            FeedbackOrderEnum, strawberry.argument(description="How the items are sorted.")
        ] = FeedbackOrder.NEWEST,
        first: First = DEFAULT_FIRST,
        after: After = None,
    ) -> FeedbackItemConnection:
        services = info.context.services
        check_first(first, services.settings.max_page_size)
        where = feedback_filter(filter)
        try:
            rows, cursors, has_next = await in_thread(
                services.feedback.page, where, FeedbackOrder(order_by), first, after
            )
        except InvalidCursor as error:
            raise bad_input(f"after: {error}") from None
        items = [feedback_item_from_row(row) for row in rows]
        return FeedbackItemConnection.of_items(items, cursors, has_next, after)

    @strawberry.field(description="One feedback item by id; null when there is none.")
    async def feedback_item(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The item's id (a UUID).")],
    ) -> FeedbackItem | None:
        return await feedback_item_by_id(info, id)

    @strawberry.field(
        description="Items submitted in [from, to), counted by kind, current status, product "
        "area and ISO week."
    )
    async def feedback_summary(self, info: Info, from_: From, to: To) -> FeedbackSummary:
        checked_span(from_, to)
        reports = info.context.services.feedback_reports
        return summary_of(await in_thread(reports.summary, from_, to), from_, to)

    @strawberry.field(
        description="Time to first response (first answer by someone other than the author, "
        "bots excluded) of the items submitted in [from, to): median, p90, answered, "
        "unanswered, and items over their priority's target, per group and overall."
    )
    async def response_times(
        self,
        info: Info,
        from_: From,
        to: To,
        group_by: Annotated[
            ResponseTimeGrouping, strawberry.argument(description="How to group the items.")
        ] = ResponseGroup.WEEK,
    ) -> ResponseTimeReport:
        checked_span(from_, to)
        services = info.context.services
        targets, now = services.settings.response_targets(), utc_now()
        group = ResponseGroup(group_by)
        report = await in_thread(
            services.feedback_reports.response_times, from_, to, group, targets, now
        )
        return response_times_of(report, group, targets, (from_, to), now)

    @strawberry.field(
        description="The change feed: every change after the cursor, once, in commit order; "
        "each entry an item that changed in the page, its current state and kinds of change. "
        "Store endCursor; a change committed late still comes after it."
    )
    async def feedback_changes(
        self,
        info: Info,
        after: Annotated[
            str | None,
            strawberry.argument(description="An endCursor; none to start from the beginning."),
        ] = None,
        first: Annotated[
            int, strawberry.argument(description="Changes per page, 1 to 1000.")
        ] = DEFAULT_FEED_PAGE,
    ) -> FeedbackChangePage:
        check_feed_size(first)
        position = feed_position(after)
        page = await in_thread(info.context.services.feedback.changes, position, first)
        return change_page_of(page)
