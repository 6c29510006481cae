"""GraphQL types of the feedback context: an item with its history, duplicates and supporters.

Every role may read feedback. No feedback type holds an e-mail or a handle: people are
named by member id, and reached through Member, which masks personal data by role.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.errors import bad_input
from api.graphql.feedback.authors import author_of
from api.graphql.feedback.enums import (
    ChangeKindEnum,
    FeedbackKindEnum,
    FeedbackStatusEnum,
    PriorityEnum,
)
from api.graphql.feedback.supporters import FeedbackSupporter, supporters_of
from api.graphql.members import Member
from api.graphql.nodes import Node
from api.graphql.relay import Connection, Edge, PageInfo, check_first, relay_type
from api.services import in_thread
from domain.feedback.workflow import FeedbackKind, FeedbackStatus, Priority
from projections.feedback.projection import FeedbackProjection
from projections.feedback.rows import ChangeKind, FeedbackRow, HistoryRow

MAX_SUPPORTERS = 500


@strawberry.type(description="One change of a feedback item, in the order it was recorded.")
class FeedbackChange:
    change: ChangeKind = strawberry.field(description="What changed.")
    at: datetime = strawberry.field(description="When it was recorded.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="The member or staff member who made the change, when there was one."
    )
    detail: JSON = strawberry.field(
        description="What the change said besides its kind (status from, to and why; "
        "triage; supporter and importance; tracker...); never the text."
    )


@strawberry.type(description="What a member said, who backs it, and what became of it.")
class FeedbackItem(Node):
    id: strawberry.ID = strawberry.field(description="Stable item id (a UUID).")
    author_id: strawberry.ID = strawberry.field(description="The member who gave it.")
    submitted_by: strawberry.ID | None = strawberry.field(
        description="Staff who recorded it on the member's behalf, if any."
    )
    channel: str = strawberry.field(description="The channel it came in on.")
    kind: FeedbackKind = strawberry.field(description="Praise, criticism, question, bug...")
    text: str | None = strawberry.field(
        description="What the member said; null once the author is erased."
    )
    source_url: str | None = strawberry.field(
        description="Where it was said; null when absent or once the author is erased."
    )
    source_interaction_id: strawberry.ID | None = strawberry.field(
        description="The interaction it was taken from, if any."
    )
    product_area: str | None = strawberry.field(description="The part of the product it is on.")
    priority: Priority | None = strawberry.field(description="Set at triage; null before.")
    team: str | None = strawberry.field(description="The team that owns it, set at triage.")
    status: FeedbackStatus = strawberry.field(description="Where it is in the workflow.")
    submitted_at: datetime = strawberry.field(description="When the member said it.")
    first_response_at: datetime | None = strawberry.field(
        description="First answer by someone other than the author and not a bot; null before."
    )
    first_response_channel: str | None = strawberry.field(
        description="Where that first answer was given."
    )
    time_to_first_response_seconds: float | None = strawberry.field(
        description="firstResponseAt - submittedAt in seconds; null while unanswered."
    )
    responses: int = strawberry.field(description="Answers recorded, all responders.")
    duplicate_of: strawberry.ID | None = strawberry.field(
        description="The canonical item this one duplicates; null if it stands on its own."
    )
    duplicate_count: int = strawberry.field(description="Items marked as duplicates of this.")
    tracker_url: str | None = strawberry.field(description="Link in the external tracker.")
    tracker_key: str | None = strawberry.field(description="Key in the external tracker.")
    supporter_count: int = strawberry.field(description="Members supporting this item itself.")
    unique_members: int = strawberry.field(
        description="Distinct members behind it: on a canonical item, authors and supporters "
        "across its duplicates, each counted once."
    )
    weighted_support: float = strawberry.field(
        description="Those members, each weighted once by their highest importance "
        "(critical 3, important 2, nice to have 1, unknown 1)."
    )
    voice: float = strawberry.field(
        description="Support weighted by importance and by the supporters' engagement "
        "(the voice of the most engaged members)."
    )
    loop_closed: int = strawberry.field(description="Members told of the outcome.")
    loop_owed: int = strawberry.field(description="Members to tell: author and supporters.")
    loop_coverage: float = strawberry.field(
        description="loopClosed / loopOwed, 0 to 1 (1 when nobody is owed)."
    )
    author_erased: bool = strawberry.field(
        description="The author was erased: text and source url are gone, counts remain."
    )
    version: int = strawberry.field(
        description="Events recorded for the item so far; pass as expectedVersion to edit."
    )
    changed_at: datetime = strawberry.field(description="When it last changed.")
    status_changed_at: datetime = strawberry.field(description="When its status last changed.")

    @classmethod
    async def resolve_node(cls, info: Info, node_id: str) -> FeedbackItem | None:
        """node(id:) for feedback: the item as feedbackItem(id:) answers it."""
        return await feedback_item_by_id(info, node_id)

    @strawberry.field(description="The member who gave it, with your role's masking as everywhere.")
    async def author(self, info: Info) -> Member | None:
        return await author_of(info, UUID(self.author_id))

    @strawberry.field(description="Every change of the item, oldest first.")
    async def history(self, info: Info) -> list[FeedbackChange]:
        rows = await in_thread(info.context.services.feedback.history, UUID(self.id))
        return [_change(row) for row in rows]

    @strawberry.field(description="Items marked as duplicates of this one, each as it stands.")
    async def duplicates(self, info: Info) -> list[FeedbackItem]:
        rows = await in_thread(info.context.services.feedback.duplicates, UUID(self.id))
        return [feedback_item_from_row(row) for row in rows]

    @strawberry.field(
        description="Members supporting this item, with how much it matters to them and how "
        "engaged they are; never their e-mails or handles."
    )
    async def supporters(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="At most this many (1-500).")] = 100,
    ) -> list[FeedbackSupporter]:
        check_first(first, MAX_SUPPORTERS)
        return await supporters_of(info, UUID(self.id), first)


@relay_type("A feedback item with its cursor in the list.", node="The item.")
class FeedbackItemEdge(Edge[FeedbackItem]):
    """An edge of the feedback list."""


@relay_type("A page of feedback items (keyset pagination).", edges="Items and cursors.")
class FeedbackItemConnection(Connection[FeedbackItemEdge]):
    """A page of the feedback list."""

    @classmethod
    def of_items(
        cls, items: list[FeedbackItem], cursors: list[str], has_next: bool, after: str | None
    ) -> FeedbackItemConnection:
        """The page of these items, each with its cursor, asked for after `after`."""
        edges = [FeedbackItemEdge(node=i, cursor=c) for i, c in zip(items, cursors, strict=True)]
        info = PageInfo(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )
        return cls(edges=edges, page_info=info)


def feedback_item_from_row(row: FeedbackRow) -> FeedbackItem:
    """The GraphQL item of a read-model row (text already opened, or None once erased)."""
    waited = row.first_response_at - row.submitted_at if row.first_response_at else None
    return FeedbackItem(
        id=strawberry.ID(str(row.item_id)),
        author_id=strawberry.ID(str(row.author_id)),
        submitted_by=_id(row.submitted_by),
        channel=row.channel,
        kind=FeedbackKindEnum(row.kind),
        text=row.text,
        source_url=row.source_url,
        source_interaction_id=_id(row.source_interaction_id),
        product_area=row.product_area,
        priority=PriorityEnum(row.priority) if row.priority else None,
        team=row.team,
        status=FeedbackStatusEnum(row.status),
        submitted_at=row.submitted_at,
        first_response_at=row.first_response_at,
        first_response_channel=row.first_response_channel,
        time_to_first_response_seconds=waited.total_seconds() if waited is not None else None,
        responses=row.responses,
        duplicate_of=_id(row.duplicate_of),
        duplicate_count=row.duplicates,
        tracker_url=row.tracker_url,
        tracker_key=row.tracker_key,
        supporter_count=row.supporters,
        unique_members=row.unique_members,
        weighted_support=row.weighted_support,
        voice=row.voice,
        loop_closed=row.loop_closed,
        loop_owed=row.loop_owed,
        loop_coverage=row.loop_closed / row.loop_owed if row.loop_owed else 1.0,
        author_erased=row.author_erased,
        version=row.version,
        changed_at=row.changed_at,
        status_changed_at=row.status_changed_at,
    )


async def load_feedback_item(
    info: Info, item_id: UUID, position: int | None
) -> FeedbackItem | None:
    """The item once the read model holds `position` (read-your-writes); None if it lags."""
    services = info.context.services
    if not await in_thread(services.wait_for, FeedbackProjection.name, position):
        return None
    rows = await in_thread(services.feedback.by_ids, [item_id])
    row = rows.get(item_id)
    return feedback_item_from_row(row) if row is not None else None


async def feedback_item_by_id(info: Info, id: str) -> FeedbackItem | None:
    """One item by id (a UUID); BAD_USER_INPUT for an id that is not one."""
    try:
        item_id = UUID(str(id))
    except ValueError:
        raise bad_input("id: not a feedback item id (a UUID)") from None
    return await load_feedback_item(info, item_id, None)


def _change(row: HistoryRow) -> FeedbackChange:
    return FeedbackChange(
        change=ChangeKindEnum(row.change),
        at=row.at,
        actor_id=_id(row.actor_id),
        detail=JSON(row.detail),
    )


def _id(value: UUID | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None
