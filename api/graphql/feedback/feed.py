"""The product team's pull: every change after a cursor, once, in commit order."""

from __future__ import annotations

import strawberry

from api.graphql.errors import bad_input
from api.graphql.feedback.types import FeedbackItem, feedback_item_from_row
from projections.cursors import InvalidCursor
from projections.feedback.feed import decode_feed_cursor, encode_feed_cursor
from projections.feedback.rows import ChangeKind, FeedPage

MAX_FEED_PAGE = 1_000


@strawberry.type(description="An item that changed in the page's span, as it stands now.")
class FeedbackFeedEntry:
    item: FeedbackItem = strawberry.field(
        description="The item's current state (it may already hold changes of a later page)."
    )
    changes: list[ChangeKind] = strawberry.field(
        description="What changed in this page's span, in the order it happened, each kind once."
    )


@strawberry.type(
    description="A page of the change feed. Store endCursor and pass it as `after` next time: "
    "no change is missed or repeated, across restarts and while writes go on."
)
class FeedbackChangePage:
    entries: list[FeedbackFeedEntry] = strawberry.field(
        description="Changed items in the commit order of their last change in the page; "
        "each item at most once per page, again in a later page only for later changes."
    )
    end_cursor: str = strawberry.field(
        description="Where the next page starts (durable, opaque); the same cursor when "
        "nothing changed."
    )
    has_more: bool = strawberry.field(description="More changes follow this page already.")


def feed_position(after: str | None) -> int:
    """The log position a cursor stands for; from the beginning without one."""
    if not after:
        return 0
    try:
        position = decode_feed_cursor(after)
    except InvalidCursor as error:
        raise bad_input(f"after: {error}") from None
    return position


def check_feed_size(first: int) -> None:
    """A feed page holds 1 to MAX_FEED_PAGE changes."""
    if not 1 <= first <= MAX_FEED_PAGE:
        raise bad_input(f"first must be between 1 and {MAX_FEED_PAGE}")


def change_page_of(page: FeedPage) -> FeedbackChangePage:
    """The GraphQL page of a feed page."""
    return FeedbackChangePage(
        entries=[
            FeedbackFeedEntry(item=feedback_item_from_row(e.item), changes=list(e.changes))
            for e in page.entries
        ],
        end_cursor=encode_feed_cursor(page.end_position),
        has_more=page.has_more,
    )
