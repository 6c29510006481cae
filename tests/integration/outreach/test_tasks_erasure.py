"""An erased member's tasks: the title unreadable everywhere, the tasks out of the list."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from application.runtime import Runtime
from domain.members import commands as mc
from projections.outreach.tasks_queries import TaskFilter
from tests.integration.conftest import rows
from tests.integration.members.test_erasure import plaintext_hits, raw_event_hits
from tests.integration.outreach.tasks_helpers import Tasks, catch_up, joined, listed, queries

pytestmark = pytest.mark.integration
TODAY = date(2026, 12, 4)


def test_erasure_makes_the_title_unreadable_and_closes_the_member_s_tasks(
    runtime: Runtime,
) -> None:
    tasks, member, other = Tasks(runtime), joined(runtime), joined(runtime)
    secret = f"Ask Vexholm about the divorce {uuid.uuid4().hex[:10]}"
    task = tasks.create(member, date(2026, 12, 1), title=secret)
    kept = tasks.create(other, date(2026, 12, 2), title="Send the meetup invite")
    catch_up(runtime)
    url = runtime.database_url
    # Sealed in the event store and in the read model: ciphertext, not the words.
    assert raw_event_hits(url, (secret,)) == set()
    assert plaintext_hits(url, (secret,)) == set()
    before = queries(runtime).by_id(task)
    assert before is not None and before["title"] == secret

    runtime.community.erase_member(mc.EraseMember(member_id=member))
    catch_up(runtime)

    after = queries(runtime).by_id(task)
    assert after is not None and after["member_erased"] and after["title"] is None
    assert (after["status"], after["due_on"]) == ("open", date(2026, 12, 1))
    assert rows(url, "SELECT sealed_title FROM outreach_tasks WHERE task_id = %s", (task,)) == [
        (None,)
    ]
    # The event's title cannot be opened any more: the member's key is shredded.
    assert runtime.community.repository.get(task).title is None
    assert listed(runtime, TODAY) == [kept]
    assert listed(runtime, TODAY, TaskFilter(member_id=member)) == []
    other_row = queries(runtime).by_id(kept)
    assert other_row is not None and other_row["title"] == "Send the meetup invite"
