"""The task list on PostgreSQL: overdue first at today's boundary, filters, cursors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.runtime import Runtime
from projections.cursors import InvalidCursor, encode_cursor
from projections.outreach.tasks_queries import TaskFilter
from tests.integration.outreach.tasks_helpers import Tasks, catch_up, joined, listed, queries

pytestmark = pytest.mark.integration
TODAY = date(2026, 12, 4)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def test_overdue_tasks_come_first_and_a_task_due_today_is_not_overdue(runtime: Runtime) -> None:
    tasks, member = Tasks(runtime), joined(runtime)
    yesterday = tasks.create(member, day(-1))
    long_overdue = tasks.create(member, day(-14))
    due_today = tasks.create(member, day(0))
    done_long_ago = tasks.create(member, day(-30))
    tasks.complete(done_long_ago)
    tomorrow = tasks.create(member, day(1))
    cancelled_today = tasks.create(member, day(0))
    tasks.cancel(cancelled_today)
    catch_up(runtime)

    same_day = sorted([due_today, cancelled_today])
    assert listed(runtime, TODAY) == [
        long_overdue,
        yesterday,
        done_long_ago,  # past due but done: not overdue, earliest of the rest
        *same_day,
        tomorrow,
    ]
    # A day later the task due "today" is overdue; the cancelled one never is.
    assert listed(runtime, day(1)) == [
        long_overdue,
        yesterday,
        due_today,
        done_long_ago,
        cancelled_today,
        tomorrow,
    ]
    # Any page size gives the same order, pages continuing across the overdue boundary.
    for size in (1, 3, 100):
        assert listed(runtime, TODAY, size=size) == listed(runtime, TODAY)


def test_filters_by_assignee_status_due_day_and_member(runtime: Runtime) -> None:
    tasks, ann, bob = Tasks(runtime), joined(runtime), joined(runtime)
    other_staff = joined(runtime, "Other staff", staff=True)
    ann_overdue = tasks.create(ann, day(-2))
    ann_later = tasks.create(ann, day(5), assignee_id=other_staff)
    bob_done = tasks.create(bob, day(-3))
    tasks.complete(bob_done)
    bob_today = tasks.create(bob, day(0))
    catch_up(runtime)

    def only(**where: Any) -> list[UUID]:
        return listed(runtime, TODAY, TaskFilter(**where))

    assert only(assignee_id=other_staff) == [ann_later]
    assert only(assignee_id=tasks.staff, status="open") == [ann_overdue, bob_today]
    assert only(status="done") == [bob_done]
    assert only(status="cancelled") == []
    assert only(due_before=day(0)) == [ann_overdue, bob_done]  # strictly before
    assert only(member_id=ann) == [ann_overdue, ann_later]
    assert only(member_id=bob, status="open", due_before=day(1)) == [bob_today]


def test_a_cursor_of_another_list_or_a_forged_one_is_refused(runtime: Runtime) -> None:
    read = queries(runtime)
    member = joined(runtime)
    foreign = encode_cursor("conduct_incidents", "2026-01-01", member)
    forged = encode_cursor("outreach_tasks", "7|2026-01-01", member)
    bad_day = encode_cursor("outreach_tasks", "0|not-a-day", member)
    for cursor in (foreign, forged, bad_day, "%%%", ""):
        with pytest.raises(InvalidCursor):
            read.page(TaskFilter(), TODAY, 10, cursor or "=")
