"""Two staff complete the same task at once on PostgreSQL: one completion is recorded."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from application.runtime import Runtime
from domain.errors import DomainError
from domain.outreach import commands_tasks as tc
from domain.outreach.task_events import TaskCompleted
from domain.outreach.task_moves import IllegalTaskMove, TaskStatus
from tests.integration.outreach.tasks_helpers import Tasks, catch_up, joined, queries

pytestmark = pytest.mark.integration
WRITERS = 4


def test_concurrent_completions_record_one_and_refuse_the_others(runtime: Runtime) -> None:
    tasks = Tasks(runtime)
    task_id = tasks.create(joined(runtime), date(2026, 12, 4))
    start = threading.Barrier(WRITERS)
    outcomes: list[object] = []

    def complete() -> None:
        start.wait()
        try:
            outcomes.append(tasks.desk.complete(tc.CompleteFollowUpTask(task_id=task_id)))
        except DomainError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=complete) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(outcomes) == WRITERS and len(refused) == WRITERS - 1
    assert all(isinstance(e, IllegalTaskMove) for e in refused), refused
    events = list(runtime.community.repository.event_store.get(task_id))
    assert [type(e) for e in events].count(TaskCompleted) == 1
    catch_up(runtime)
    row = queries(runtime).by_id(task_id)
    assert row is not None and (row["status"], row["version"]) == (TaskStatus.DONE, 2)
