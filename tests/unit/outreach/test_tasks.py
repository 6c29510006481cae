"""Follow-up tasks on an in-memory Community: moves, links, who may be named, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from application.members.community import Community
from domain.errors import InvalidField, MemberIsErased, MemberNotFound
from domain.members import commands as mc
from domain.outreach import commands_tasks as tc
from domain.outreach.task_errors import (
    LinkedMemberMismatch,
    LinkedRecordNotFound,
    MemberNotAtRisk,
    TaskNotFound,
    TaskVersionMismatch,
)
from domain.outreach.task_moves import (
    IllegalTaskMove,
    TaskLinkKind,
    TaskMove,
    TaskStatus,
    allowed_task_moves,
)
from tests.unit.outreach.tasks_helpers import DUE, Tasks


@pytest.fixture
def tasks(community: Community) -> Tasks:
    return Tasks(community)


def test_a_task_is_done_reopened_and_cancelled_and_refuses_impossible_moves(tasks: Tasks) -> None:
    task_id = tasks.create(member_id=tasks.member())
    move = {
        "complete": lambda: tasks.desk.complete(tc.CompleteFollowUpTask(task_id=task_id)),
        "reopen": lambda: tasks.desk.reopen(tc.ReopenFollowUpTask(task_id=task_id)),
        "cancel": lambda: tasks.desk.cancel(tc.CancelFollowUpTask(task_id=task_id)),
    }
    with pytest.raises(IllegalTaskMove) as refused:
        move["reopen"]()
    assert (refused.value.status, refused.value.move) == (TaskStatus.OPEN, TaskMove.REOPEN)
    assert move["complete"]().task.status is TaskStatus.DONE
    for impossible in ("complete", "cancel"):
        with pytest.raises(IllegalTaskMove, match=f"a task done cannot {impossible}"):
            move[impossible]()
    assert move["reopen"]().task.status is TaskStatus.OPEN
    assert move["cancel"]().task.status is TaskStatus.CANCELLED
    with pytest.raises(IllegalTaskMove, match="a task cancelled cannot complete"):
        move["complete"]()
    final = move["reopen"]().task
    assert (final.status, final.version) == (TaskStatus.OPEN, 5)
    assert allowed_task_moves(TaskStatus.DONE) == [TaskMove.REOPEN]


def test_a_stale_version_and_an_unknown_task_are_refused(tasks: Tasks) -> None:
    task_id = tasks.create(member_id=tasks.member())
    tasks.desk.complete(tc.CompleteFollowUpTask(task_id=task_id, expected_version=1))
    with pytest.raises(TaskVersionMismatch):
        tasks.desk.reopen(tc.ReopenFollowUpTask(task_id=task_id, expected_version=1))
    with pytest.raises(TaskNotFound):
        tasks.desk.complete(tc.CompleteFollowUpTask(task_id=tasks.unknown()))
    # A member's id is not a task's.
    with pytest.raises(TaskNotFound):
        tasks.desk.complete(tc.CompleteFollowUpTask(task_id=tasks.staff))


def test_the_assignee_is_a_present_staff_member(tasks: Tasks) -> None:
    member = tasks.member()
    cases = {
        tasks.unknown(): "no member has this id",
        tasks.member(): "not marked as staff",
        tasks.member(staff=True, erased=True): "erased member",
    }
    for assignee, message in cases.items():
        with pytest.raises(InvalidField, match=message) as refused:
            tasks.create(member_id=member, assignee_id=assignee)
        assert refused.value.field == "assignee_id"


def test_the_member_exists_and_is_not_erased_and_their_tasks_close_with_them(
    tasks: Tasks,
) -> None:
    with pytest.raises(MemberNotFound):
        tasks.create(member_id=tasks.unknown())
    with pytest.raises(MemberIsErased):
        tasks.create(member_id=tasks.member(erased=True))
    member = tasks.member()
    task_id = tasks.create(member_id=member)
    tasks.community.erase_member(mc.EraseMember(member_id=member))
    with pytest.raises(MemberIsErased):
        tasks.desk.complete(tc.CompleteFollowUpTask(task_id=task_id))


def test_a_task_from_an_at_risk_member_takes_the_member_and_the_flag(tasks: Tasks) -> None:
    member = tasks.at_risk()
    task = tasks.desk.create(
        tc.CreateFollowUpTask(
            title="Check in", assignee_id=tasks.staff, due_on=DUE, from_at_risk=member
        )
    ).task
    assert (task.member_id, task.link_kind, task.link_id) == (member, TaskLinkKind.AT_RISK, member)
    with pytest.raises(MemberNotAtRisk):
        tasks.create(from_at_risk=tasks.member())
    with pytest.raises(LinkedRecordNotFound) as missing:
        tasks.create(from_at_risk=tasks.unknown())
    assert missing.value.kind is TaskLinkKind.AT_RISK


def test_a_task_from_a_feedback_item_or_nomination_is_about_its_member(tasks: Tasks) -> None:
    author, item, nominee = tasks.member(), tasks.unknown(), tasks.member()
    tasks.links.authors[item] = author
    tasks.links.nominated.add(nominee)
    from_item = tasks.desk.get_task(tasks.create(from_feedback_item=item))
    assert (from_item.member_id, from_item.link_kind) == (author, TaskLinkKind.FEEDBACK_ITEM)
    from_nomination = tasks.desk.get_task(
        tasks.create(member_id=nominee, from_ambassador_nomination=nominee)
    )
    assert from_nomination.link_kind is TaskLinkKind.AMBASSADOR_NOMINATION
    with pytest.raises(LinkedMemberMismatch):
        tasks.create(member_id=nominee, from_feedback_item=item)
    with pytest.raises(LinkedRecordNotFound):
        tasks.create(from_feedback_item=tasks.unknown())
    with pytest.raises(LinkedRecordNotFound):
        tasks.create(from_ambassador_nomination=author)


def test_one_link_at_most_and_a_member_or_a_link(tasks: Tasks) -> None:
    with pytest.raises(InvalidField) as two:
        tasks.create(from_at_risk=tasks.unknown(), from_feedback_item=tasks.unknown())
    assert two.value.field == "from_feedback_item"
    with pytest.raises(InvalidField) as none:
        tasks.create()
    assert none.value.field == "member_id"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 501),
        ("title", "bad\x00nul"),
        ("title", "hidden\u202eflip"),
        ("title", "bell\x07"),
        ("due_on", date(1999, 12, 31)),
        ("due_on", "2026-02-30"),
        ("due_on", "tomorrow"),
        ("assignee_id", "not-a-uuid"),
        ("member_id", "'; DROP TABLE outreach_tasks; --"),
    ],
)
def test_hostile_input_is_refused_naming_the_field(field: str, value: object) -> None:
    fields: dict[str, object] = {
        "title": "Call",
        "assignee_id": "00000000-0000-0000-0000-000000000001",
        "due_on": DUE,
        "member_id": "00000000-0000-0000-0000-000000000002",
    }
    with pytest.raises(ValidationError) as refused:
        tc.CreateFollowUpTask(**(fields | {field: value}))
    assert refused.value.errors()[0]["loc"] == (field,)
