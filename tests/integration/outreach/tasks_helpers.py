"""Follow-up tasks created through the composition root's desk on PostgreSQL, and read back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from api.bootstrap import personal_data, use_cases
from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.lifecycle import Evidence, Stage
from domain.lifecycle.stages import Assessment
from domain.members import commands as mc
from domain.outreach import commands_tasks as tc
from projections.outreach.tasks_projection import TasksProjection
from projections.outreach.tasks_queries import TaskFilter, TaskQueries


def catch_up(runtime: Runtime) -> None:
    """Bring the tasks projection to the head of the log."""
    next(r for r in build_runners(runtime) if r.name == TasksProjection.name).catch_up()


def queries(runtime: Runtime) -> TaskQueries:
    return TaskQueries(runtime.pool, personal_data(runtime))


def joined(runtime: Runtime, name: str = "Someone", *, staff: bool = False) -> UUID:
    community = runtime.community
    member_id = community.join_member(mc.JoinMember(display_name=name)).member.id
    if staff:
        community.mark_member_as_staff(mc.MarkMemberAsStaff(member_id=member_id, is_staff=True))
    return member_id


def at_risk(runtime: Runtime) -> UUID:
    """A member the lifecycle judged at risk."""
    member_id = joined(runtime)
    member = runtime.community.get_member(member_id)
    now = datetime.now(UTC)
    evidence = Evidence(7.0, 0.0, now - timedelta(days=30), 30, 2.0)
    member.change_stage(Assessment(Stage.AT_RISK, evidence, "test", "quiet"), now)
    runtime.community.save(member)
    return member_id


class Tasks:
    """The desk of the composition root (real linked-record lookups), with a staff member."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.desk = use_cases(runtime).tasks
        self.staff = joined(runtime, "Staff", staff=True)

    def create(self, member_id: UUID, due_on: date, **fields: Any) -> UUID:
        fields.setdefault("title", "Call them")
        fields.setdefault("assignee_id", self.staff)
        command = tc.CreateFollowUpTask(member_id=member_id, due_on=due_on, **fields)
        return self.desk.create(command).task.id

    def desk_create(self, **fields: Any) -> UUID:
        """A task from a linked record, its member taken from the record."""
        command = tc.CreateFollowUpTask(
            title="Follow up", assignee_id=self.staff, due_on=date(2026, 12, 9), **fields
        )
        return self.desk.create(command).task.id

    def complete(self, task_id: UUID) -> None:
        self.desk.complete(tc.CompleteFollowUpTask(task_id=task_id))

    def cancel(self, task_id: UUID) -> None:
        self.desk.cancel(tc.CancelFollowUpTask(task_id=task_id))


def listed(
    runtime: Runtime, today: date, where: TaskFilter | None = None, size: int = 2
) -> list[UUID]:
    """Every task of the list, page by page through its cursors."""
    found: list[UUID] = []
    after = None
    while True:
        page = queries(runtime).page(where or TaskFilter(), today, size, after)
        found += [row["task_id"] for row in page.rows]
        if not page.has_next:
            return found
        after = page.cursors[-1]
