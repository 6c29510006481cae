"""Tasks from linked records on PostgreSQL, found through the real feedback and program desks."""

from __future__ import annotations

import pytest

from api.bootstrap import use_cases
from application.runtime import Runtime
from domain.ambassadors.commands import NominateAmbassador
from domain.feedback.commands import SubmitFeedback
from domain.outreach.task_errors import LinkedRecordNotFound
from domain.outreach.task_moves import TaskLinkKind
from tests.integration.outreach.tasks_helpers import Tasks, at_risk, catch_up, joined, queries

pytestmark = pytest.mark.integration


def test_each_link_names_its_member_and_shows_in_the_read_model(runtime: Runtime) -> None:
    tasks, cases = Tasks(runtime), use_cases(runtime)
    author, nominee, quiet = joined(runtime), joined(runtime), at_risk(runtime)
    item = cases.feedback.submit(
        SubmitFeedback(author_id=author, channel="discord", kind="bug", text="Export breaks")
    ).item.id
    cases.program.nominate(NominateAmbassador(member_id=nominee, by=tasks.staff))

    created = {
        TaskLinkKind.FEEDBACK_ITEM: (tasks.desk_create(from_feedback_item=item), author, item),
        TaskLinkKind.AMBASSADOR_NOMINATION: (
            tasks.desk_create(from_ambassador_nomination=nominee),
            nominee,
            nominee,
        ),
        TaskLinkKind.AT_RISK: (tasks.desk_create(from_at_risk=quiet), quiet, quiet),
    }
    catch_up(runtime)
    for kind, (task_id, member, link_id) in created.items():
        row = queries(runtime).by_id(task_id)
        assert row is not None
        assert (row["member_id"], row["link_kind"], row["link_id"]) == (member, kind, link_id)

    for missing in ({"from_feedback_item": nominee}, {"from_ambassador_nomination": author}):
        with pytest.raises(LinkedRecordNotFound):
            tasks.desk_create(**missing)
