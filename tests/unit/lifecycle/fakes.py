"""In-memory stand-ins for the lifecycle's read ports, and a rule with short spans for tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from application.lifecycle.memory import InMemoryHistories
from application.members.community import Community
from domain.lifecycle import Stage, StageRule
from domain.members.member import Member

# The histories port in memory (application/lifecycle/memory.py), under the tests' name.
Histories = InMemoryHistories


class MembersStages:
    """RecordedStages read from the members themselves: a read model that never lags."""

    def __init__(self, community: Community) -> None:
        self.community = community

    def recorded(self, member_ids: list[UUID]) -> Mapping[UUID, tuple[Stage, datetime]]:
        members = self.community.get_members(member_ids)
        return {
            i: (Stage(m.stage), m.stage_since)
            for i, m in members.items()
            if m.stage is not None and m.stage_since is not None
        }

    def quiet(self, member_ids: list[UUID]) -> list[UUID]:
        quiet = {Stage.AT_RISK, Stage.INACTIVE}
        return [i for i, (stage, _) in self.recorded(member_ids).items() if stage in quiet]


def recorded_stage_at(community: Community, member_id: UUID, at: datetime) -> Stage | None:
    """The stage the member's recorded changes put them in at `at` (the time-travel answer)."""
    stage = None
    for stored in community.recorder.select_events(member_id):
        event = community.mapper.to_domain_event(stored)
        if isinstance(event, Member.StageChanged) and event.effective_at <= at:
            stage = Stage(event.stage)
    return stage


# Short spans, so that a small history crosses every stage.
SHORT_RULE = StageRule(
    version="short",
    new_for=timedelta(days=10),
    baseline_window=timedelta(days=120),
    min_active_weeks=3,
    min_silence=timedelta(days=7),
    max_silence=timedelta(days=30),
    silent_inactive=timedelta(days=45),
    returning_grace=timedelta(days=14),
)
