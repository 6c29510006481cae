"""Stage changes written set-based: pages of any size give the rows of one page per event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.bootstrap import use_cases
from api.projection_wiring import build_runners
from application.members.demo import seed_demo
from application.runtime import Runtime
from domain.members import commands as cmd
from domain.members.member import Member
from tests.integration.conftest import rows

pytestmark = pytest.mark.integration

HISTORY = "SELECT * FROM member_stage_history ORDER BY member_id, version"
CURRENT = "SELECT * FROM member_stages ORDER BY member_id"


def projected(runtime: Runtime, batch_size: int) -> dict[str, list[tuple[Any, ...]]]:
    """The lifecycle read model rebuilt from the log in pages of this size."""
    runner = next(r for r in build_runners(runtime, batch_size=batch_size) if r.name == "lifecycle")
    runner.reset()
    runner.catch_up()
    url = runtime.database_url
    return {"history": rows(url, HISTORY), "current": rows(url, CURRENT)}


def test_pages_of_many_changes_per_member_give_the_rows_of_one_event_per_page(
    runtime: Runtime,
) -> None:
    seed_demo(runtime.community, 30, interactions=True)
    members = [
        member_id
        for (member_id,) in rows(
            runtime.database_url,
            "SELECT originator_id FROM community_events WHERE topic = %s ORDER BY notification_id",
            (Member.Joined.TOPIC,),
        )
    ]
    evaluation = use_cases(runtime).evaluation
    now = datetime.now(UTC)
    for weeks in (20, 8, 0):
        evaluation.evaluate(now - timedelta(weeks=weeks))
        for runner in build_runners(runtime):
            runner.catch_up()  # evaluations read the projections
    left, merged, erased = members[0], members[1], members[2]
    runtime.community.mark_member_left(cmd.MarkMemberLeft(member_id=left))
    runtime.community.rejoin_member(cmd.RejoinMember(member_id=left))
    runtime.community.merge_members(cmd.MergeMembers(source_id=merged, target_id=members[3]))
    runtime.community.mark_member_left(cmd.MarkMemberLeft(member_id=members[3]))
    runtime.community.erase_member(cmd.EraseMember(member_id=erased))

    one_by_one = projected(runtime, batch_size=1)
    counts = rows(
        runtime.database_url,
        "SELECT max(n) FROM (SELECT count(*) AS n FROM member_stage_history GROUP BY member_id) c",
    )
    assert counts[0][0] >= 3, "some member changed stage several times"
    assert projected(runtime, batch_size=10_000) == one_by_one
    assert projected(runtime, batch_size=7) == one_by_one
