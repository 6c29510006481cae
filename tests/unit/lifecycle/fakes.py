"""In-memory stand-ins for the lifecycle's read ports, and a rule with short spans for tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from application.members.community import Community
from domain.interactions.engagement import EngagementRule
from domain.lifecycle import History, Stage, StageRule
from domain.lifecycle.history import from_us, to_us
from domain.members.member import Member


class Histories:
    """MemberHistories over histories held in memory, cut at the instant asked."""

    def __init__(self, *histories: History) -> None:
        self.held = {history.member_id: history for history in histories}
        self.pages: list[int] = []  # the size of each page read, in order

    def histories(
        self,
        engagement: EngagementRule,
        *,
        until: datetime,
        after: UUID,
        limit: int,
        since: datetime | None = None,
        settled: str | None = None,
    ) -> list[History]:
        ids = sorted(i for i in self.held if i > after and self.held[i].joined_at <= until)
        self.pages.append(len(ids[:limit]))
        return [_cut(self.held[i], until, since) for i in ids[:limit]]

    def histories_of(
        self, engagement: EngagementRule, member_ids: list[UUID], until: datetime
    ) -> list[History]:
        return [_cut(self.held[i], until, None) for i in sorted(member_ids) if i in self.held]


def _cut(history: History, until: datetime, since: datetime | None) -> History:
    low = to_us(since) if since else -(2**62)
    kept = [
        (from_us(m), w)
        for m, w in zip(history.moments, history.weights, strict=True)
        if low < m <= to_us(until)
    ]
    return History.of(history.member_id, history.joined_at, kept)


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
