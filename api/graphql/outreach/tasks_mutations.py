"""Follow-up task mutations: each builds a command, runs it on the desk, returns its union.

Admin and manager only: every other role gets the FORBIDDEN result.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import strawberry

from api.auth import MANAGE_OUTREACH
from api.graphql.commands import attempt
from api.graphql.context import Info
from api.graphql.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    domain_error,
    forbidden,
)
from api.graphql.outreach import tasks_payloads as p
from api.graphql.outreach.tasks_inputs import CreateFollowUpTaskInput, FollowUpTaskInput
from api.graphql.outreach.tasks_types import load_task
from application.outreach.tasks import TaskDesk
from application.outreach.tasks_saving import TaskChange
from domain.commands import Command
from domain.errors import DomainError
from domain.outreach import commands_tasks as cmd
from domain.outreach.task_errors import LinkedRecordNotFound, TaskNotFound
from domain.outreach.task_moves import IllegalTaskMove, TaskStatus, allowed_task_moves

C = TypeVar("C", bound=Command)
S = TypeVar("S", bound=p.TaskChanged)
Refused = ValidationFailed | NotFound | Conflict | Forbidden | p.FollowUpTaskMoveConflict


async def _execute(
    info: Info, action: str, build: Callable[[], C], handle: Callable[[TaskDesk, C], TaskChange]
) -> TaskChange | Refused:
    """Run a task command as an admin or manager; a typed error if refused."""
    if not info.context.principal.can_manage_outreach:
        return forbidden(action, MANAGE_OUTREACH)
    desk = info.context.services.use_cases.tasks
    return await attempt(build, partial(handle, desk), refused=_refused)


def _refused(
    error: DomainError,
) -> NotFound | ValidationFailed | Conflict | p.FollowUpTaskMoveConflict:
    """A refusal typed: an unknown task or linked record, a move refused, or other."""
    if isinstance(error, TaskNotFound):
        return NotFound(message=str(error), id=strawberry.ID(str(error.task_id)))
    if isinstance(error, LinkedRecordNotFound):
        return NotFound(message=str(error), id=strawberry.ID(str(error.record_id)))
    if isinstance(error, IllegalTaskMove):
        assert error.status is not None  # moves address tasks that exist
        return p.FollowUpTaskMoveConflict(
            message=str(error),
            code=error.code,
            status=TaskStatus(error.status),
            move=error.move.value,
            allowed=[move.value for move in allowed_task_moves(error.status)],
        )
    return domain_error(error)


async def _answer(info: Info, outcome: TaskChange | Refused, success: type[S]) -> S | Refused:
    """The success type with the task as the read model holds it after the change, or the error."""
    if not isinstance(outcome, TaskChange):
        return outcome
    fields: dict[str, Any] = {
        "task": await load_task(info, outcome.task.id, outcome.position),
        "task_id": strawberry.ID(str(outcome.task.id)),
        "version": outcome.task.version,
    }
    return success(**fields)


async def _move(
    info: Info,
    input: FollowUpTaskInput,
    action: str,
    kind: type[cmd.TaskCommand],
    handle: Callable[[TaskDesk, Any], TaskChange],
    success: type[S],
) -> S | Refused:
    def build() -> cmd.TaskCommand:
        return kind(task_id=input.task_id, expected_version=input.expected_version)

    return await _answer(info, await _execute(info, action, build, handle), success)


@strawberry.type
class TaskMutation:
    """Mutations of follow-up tasks."""

    @strawberry.mutation(
        description="Create a follow-up task about a member, for a staff member, due on a day; "
        "from a member at risk, a feedback item or a nomination in the same step (admin, "
        "manager)."
    )
    async def create_follow_up_task(
        self, info: Info, input: CreateFollowUpTaskInput
    ) -> p.CreateFollowUpTaskResult:
        def build() -> cmd.CreateFollowUpTask:
            return cmd.CreateFollowUpTask(
                title=input.title,
                assignee_id=input.assignee_id,
                due_on=input.due_on,
                member_id=input.member_id,
                from_at_risk=input.from_at_risk,
                from_feedback_item=input.from_feedback_item,
                from_ambassador_nomination=input.from_ambassador_nomination,
            )

        outcome = await _execute(info, "create follow-up tasks", build, TaskDesk.create)
        answer = await _answer(info, outcome, p.FollowUpTaskCreated)
        assert not isinstance(answer, p.FollowUpTaskMoveConflict)  # creating moves nothing
        return answer

    @strawberry.mutation(description="Mark an OPEN task done (admin, manager).")
    async def complete_follow_up_task(
        self, info: Info, input: FollowUpTaskInput
    ) -> p.CompleteFollowUpTaskResult:
        return await _move(
            info,
            input,
            "complete follow-up tasks",
            cmd.CompleteFollowUpTask,
            TaskDesk.complete,
            p.FollowUpTaskCompleted,
        )

    @strawberry.mutation(description="Open a DONE or CANCELLED task again (admin, manager).")
    async def reopen_follow_up_task(
        self, info: Info, input: FollowUpTaskInput
    ) -> p.ReopenFollowUpTaskResult:
        return await _move(
            info,
            input,
            "reopen follow-up tasks",
            cmd.ReopenFollowUpTask,
            TaskDesk.reopen,
            p.FollowUpTaskReopened,
        )

    @strawberry.mutation(description="Cancel an OPEN task: no longer needed (admin, manager).")
    async def cancel_follow_up_task(
        self, info: Info, input: FollowUpTaskInput
    ) -> p.CancelFollowUpTaskResult:
        return await _move(
            info,
            input,
            "cancel follow-up tasks",
            cmd.CancelFollowUpTask,
            TaskDesk.cancel,
            p.FollowUpTaskCancelled,
        )
