"""Stage changes recorded through the Community, in memory: applied forward from each stage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from application.members.community import Community
from domain.lifecycle import History, Stage
from domain.lifecycle.rule import StageRule
from domain.lifecycle.stages import judge
from domain.members import commands as cmd
from domain.members.member import Member

NOW = datetime.now(UTC)


def test_recording_a_plan_is_idempotent_and_skips_erased_members(community: Community) -> None:
    joined_at = NOW - timedelta(days=3)
    kept, erased = (
        community.join_member(cmd.JoinMember(display_name=name, joined_at=joined_at)).member.id
        for name in ("Newcomer", "Erased")
    )
    community.erase_member(cmd.EraseMember(member_id=erased))
    new = judge(StageRule(), History.of(kept, joined_at, []), NOW)
    plans = [(kept, [(joined_at, new)]), (erased, [(joined_at, new)])]

    assert community.record_stages(plans) == 1
    assert community.get_member(kept).stage == Stage.NEW
    assert community.get_member(erased).stage is None
    # Recorded on the members' own events: the same plan again changes nothing.
    assert community.record_stages(plans) == 0


def test_a_stale_plan_applies_only_what_comes_after_the_member_s_stage(
    community: Community,
) -> None:
    joined_at = NOW - timedelta(days=100)
    member_id = community.join_member(
        cmd.JoinMember(display_name="Quiet", joined_at=joined_at)
    ).member.id
    silent = History.of(member_id, joined_at, [])
    early, late = joined_at + timedelta(days=40), joined_at + timedelta(days=95)
    community.record_stages([(member_id, [(late, judge(StageRule(), silent, late))])])

    stale = [(early, judge(StageRule(), silent, early))]
    assert community.record_stages([(member_id, stale)]) == 0
    member = community.get_member(member_id)
    assert (member.stage, member.stage_since) == (Stage.INACTIVE, late)


def test_a_member_changed_meanwhile_is_judged_again_and_neither_change_is_lost(
    community: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    joined_at = NOW - timedelta(days=3)
    member_id = community.join_member(
        cmd.JoinMember(display_name="Busy", joined_at=joined_at)
    ).member.id
    new = judge(StageRule(), History.of(member_id, joined_at, []), NOW)
    loads = 0
    original = community.get_members

    def loaded_then_tagged_elsewhere(ids: Sequence[UUID]) -> dict[UUID, Member]:
        nonlocal loads
        loads += 1
        members = original(ids)
        if loads == 1:  # another request saves the member between our load and our save
            community.tag_member(cmd.TagMember(member_id=member_id, tag="vip"))
        return members

    monkeypatch.setattr(community, "get_members", loaded_then_tagged_elsewhere)
    assert community.record_stages([(member_id, [(joined_at, new)])]) == 1
    assert loads == 2
    member = community.get_member(member_id)
    assert member.stage == Stage.NEW and "vip" in member.tags
