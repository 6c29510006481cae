"""Success types, the move conflict and named result unions of the follow-up task mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.errors import Conflict, Error, Forbidden, NotFound, ValidationFailed
from api.graphql.outreach.tasks_types import FollowUpTask
from domain.outreach.task_moves import TaskStatus


@strawberry.type
class TaskChanged:
    """Base of the success types: the task after the change (not in the schema)."""

    task: FollowUpTask | None = strawberry.field(
        description="The task after the change (read your write); null only when the read "
        "model lags past the read-your-writes timeout."
    )
    task_id: strawberry.ID = strawberry.field(description="The task's id.")
    version: int = strawberry.field(
        description="The task's version after the change; pass as expectedVersion."
    )


@strawberry.type(
    description="A task cannot do this from where it stands (complete a done task, cancel a "
    "done one, reopen an open one): nothing was recorded."
)
class FollowUpTaskMoveConflict(Error):
    code: str = strawberry.field(description="Always ILLEGAL_TASK_MOVE.")
    status: TaskStatus = strawberry.field(description="Where the task stands.")
    move: str = strawberry.field(description="What was asked: complete, reopen or cancel.")
    allowed: list[str] = strawberry.field(description="The moves allowed from this status.")


def _result(name: str) -> Any:
    """A named result union; clients switch on __typename."""
    return strawberry.union(
        name, description="The success type, or the typed error that explains the refusal."
    )


@strawberry.type(description="The task is created, open.")
class FollowUpTaskCreated(TaskChanged):
    pass


@strawberry.type(description="The task is done.")
class FollowUpTaskCompleted(TaskChanged):
    pass


@strawberry.type(description="The task is open again.")
class FollowUpTaskReopened(TaskChanged):
    pass


@strawberry.type(description="The task is cancelled.")
class FollowUpTaskCancelled(TaskChanged):
    pass


Errors = ValidationFailed | NotFound | Conflict | Forbidden

CreateFollowUpTaskResult = Annotated[
    FollowUpTaskCreated | Errors, _result("CreateFollowUpTaskResult")
]
CompleteFollowUpTaskResult = Annotated[
    FollowUpTaskCompleted | FollowUpTaskMoveConflict | Errors,
    _result("CompleteFollowUpTaskResult"),
]
ReopenFollowUpTaskResult = Annotated[
    FollowUpTaskReopened | FollowUpTaskMoveConflict | Errors,
    _result("ReopenFollowUpTaskResult"),
]
CancelFollowUpTaskResult = Annotated[
    FollowUpTaskCancelled | FollowUpTaskMoveConflict | Errors,
    _result("CancelFollowUpTaskResult"),
]
