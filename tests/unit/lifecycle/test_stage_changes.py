"""Stage changes recorded through the Community, in memory: judged from members' own events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.members.community import Community
from domain.lifecycle.stages import Activity, Stage, StageRule
from domain.members import commands as cmd

NOW = datetime.now(UTC)


def test_evaluating_records_a_stage_once_and_skips_erased_members(community: Community) -> None:
    joined_at = NOW - timedelta(days=3)
    kept, erased = (
        community.join_member(cmd.JoinMember(display_name=name, joined_at=joined_at)).member.id
        for name in ("Newcomer", "Erased")
    )
    community.erase_member(cmd.EraseMember(member_id=erased))
    quiet = Activity(joined_at, None, 0.0, 0.0, 0.0)
    candidates = [(kept, quiet), (erased, quiet)]

    assert community.evaluate_stages(candidates, StageRule(), NOW) == 1
    assert community.get_member(kept).stage == Stage.NEW
    assert community.get_member(erased).stage is None
    # Judged from the members' events: the same evaluation again changes nothing.
    assert community.evaluate_stages(candidates, StageRule(), NOW) == 0
