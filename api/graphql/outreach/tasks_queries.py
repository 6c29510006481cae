"""Follow-up task queries: the task list and member.tasks, for admins and managers only."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_input, forbidden_query
from api.graphql.outreach.tasks_types import (
    FollowUpTask,
    FollowUpTaskConnection,
    load_task,
    task_from_row,
    today,
)
from api.graphql.relay import DEFAULT_FIRST, After, First, PageRequest
from domain.outreach.task_moves import TaskStatus
from projections.outreach.tasks_queries import TaskFilter


def _check_role(info: Info) -> None:
    if not info.context.principal.can_manage_outreach:
        raise forbidden_query("your role may not read follow-up tasks (admin, manager only)")


def _uuid(value: str | None, field: str) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(str(value))
    except ValueError:
        raise bad_input(f"{field}: not an id (a UUID)") from None


async def _page(
    info: Info, where: TaskFilter, first: int, after: str | None
) -> FollowUpTaskConnection:
    """One page of tasks, overdue first, as of today (UTC)."""
    request = PageRequest.checked(info, first, after)
    day = today(info)
    tasks = info.context.services.tasks
    page = await request.read(lambda cursor, size: tasks.page(where, day, size, cursor))
    nodes = [task_from_row(row, day) for row in page.rows]
    return FollowUpTaskConnection.of(page, after, nodes)


async def member_tasks(
    info: Info, member_id: UUID, first: int, after: str | None
) -> FollowUpTaskConnection:
    """member.tasks: the member's tasks, overdue first (admin and manager only)."""
    _check_role(info)
    return await _page(info, TaskFilter(member_id=member_id), first, after)


@strawberry.type
class TaskQuery:
    """Queries of follow-up tasks."""

    @strawberry.field(
        description="Follow-up tasks: overdue ones first (open and due before today, UTC), "
        "then the rest, each by due day, a page at a time (keyset cursors). An erased "
        "member's tasks are not listed. Admin and manager only (FORBIDDEN otherwise)."
    )
    async def tasks(
        self,
        info: Info,
        assignee: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Assigned to this staff member."),
        ] = None,
        status: Annotated[
            TaskStatus | None, strawberry.argument(description="In this status; all if absent.")
        ] = None,
        due_before: Annotated[
            date | None,
            strawberry.argument(description="Due strictly before this day (UTC)."),
        ] = None,
        member: Annotated[
            strawberry.ID | None, strawberry.argument(description="About this member.")
        ] = None,
        first: First = DEFAULT_FIRST,
        after: After = None,
    ) -> FollowUpTaskConnection:
        _check_role(info)
        where = TaskFilter(
            assignee_id=_uuid(assignee, "assignee"),
            status=status.value if status else None,
            due_before=due_before,
            member_id=_uuid(member, "member"),
        )
        return await _page(info, where, first, after)

    @strawberry.field(
        description="One follow-up task by id; null when there is none. Admin and manager "
        "only (FORBIDDEN otherwise)."
    )
    async def follow_up_task(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The task's id.")],
    ) -> FollowUpTask | None:
        _check_role(info)
        task_id = _uuid(id, "id")
        assert task_id is not None
        return await load_task(info, task_id, None)
