"""GraphQL types of follow-up tasks (admin and manager only): the task, its list and enums.

strawberry.enum registers the domain's enums themselves: other modules use them as types.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.relay import Connection, Edge, relay_type
from api.services import in_thread
from domain.outreach.task_moves import TaskLinkKind, TaskStatus
from projections.cursors import Row
from projections.outreach.tasks_projection import TasksProjection

strawberry.enum(
    TaskStatus,
    name="FollowUpTaskStatus",
    description="Where a task stands: OPEN (also once reopened), DONE or CANCELLED.",
)
strawberry.enum(
    TaskLinkKind,
    name="FollowUpTaskLinkKind",
    description="What a task follows up on: the member's AT_RISK flag, a FEEDBACK_ITEM, or "
    "an AMBASSADOR_NOMINATION.",
)


@strawberry.type(description="What a task follows up on.")
class FollowUpTaskLink:
    kind: TaskLinkKind = strawberry.field(description="What kind of record.")
    id: strawberry.ID = strawberry.field(
        description="The record: the feedback item's id, or the member's id for AT_RISK and "
        "AMBASSADOR_NOMINATION."
    )


@strawberry.type(description="Something a staff member is to do about a member, by a day.")
class FollowUpTask:
    id: strawberry.ID = strawberry.field(description="Stable task id (a UUID).")
    member_id: strawberry.ID = strawberry.field(description="The member it is about.")
    assignee_id: strawberry.ID = strawberry.field(description="The staff member who does it.")
    title: str | None = strawberry.field(
        description="What to do; personal data, null once the member is erased."
    )
    due_on: date = strawberry.field(description="The day it is due (UTC).")
    status: TaskStatus = strawberry.field(description="OPEN, DONE or CANCELLED.")
    overdue: bool = strawberry.field(
        description="Open and due before today (UTC): a task due today is not overdue yet."
    )
    link: FollowUpTaskLink | None = strawberry.field(
        description="What it follows up on; null when nothing."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    completed_at: datetime | None = strawberry.field(description="When it was last done.")
    cancelled_at: datetime | None = strawberry.field(description="When it was last cancelled.")
    reopened_at: datetime | None = strawberry.field(description="When it was last reopened.")
    member_erased: bool = strawberry.field(
        description="The member was erased: the title is gone, and the task is closed."
    )
    version: int = strawberry.field(
        description="Number of events so far; pass as expectedVersion to act safely."
    )


@relay_type(
    "A task with its cursor in the list.",
    node="The task.",
    cursor="Opaque position of this task in the list.",
)
class FollowUpTaskEdge(Edge[FollowUpTask]):
    """An edge of the task list."""


@relay_type(
    "A page of follow-up tasks: overdue first, then by due day (keyset pagination).",
    edges="Tasks with their cursors.",
)
class FollowUpTaskConnection(Connection[FollowUpTaskEdge]):
    """A page of the task list."""


def task_from_row(row: Row, today: date) -> FollowUpTask:
    """The GraphQL task of a read-model row (its title already opened)."""
    link = None
    if row["link_kind"] is not None:
        link = FollowUpTaskLink(kind=TaskLinkKind(row["link_kind"]), id=_id(row["link_id"]))
    return FollowUpTask(
        id=_id(row["task_id"]),
        member_id=_id(row["member_id"]),
        assignee_id=_id(row["assignee_id"]),
        title=row["title"],
        due_on=row["due_on"],
        status=TaskStatus(row["status"]),
        overdue=row["status"] == TaskStatus.OPEN and row["due_on"] < today,
        link=link,
        created_at=row["created_at"],
        completed_at=row["completed_at"],
        cancelled_at=row["cancelled_at"],
        reopened_at=row["reopened_at"],
        member_erased=row["member_erased"],
        version=row["version"],
    )


def today(info: Info) -> date:
    """Today as the community's clock says, in UTC: the day that decides what is overdue."""
    return info.context.services.community.clock().astimezone(UTC).date()


async def load_task(info: Info, task_id: UUID, position: int | None) -> FollowUpTask | None:
    """The task once the read model holds `position` (read-your-writes); None if it lags."""
    services = info.context.services
    if not await in_thread(services.wait_for, TasksProjection.name, position):
        return None
    row = await in_thread(services.tasks.by_id, task_id)
    return None if row is None else task_from_row(row, today(info))


def _id(value: Any) -> strawberry.ID:
    return strawberry.ID(str(value))
