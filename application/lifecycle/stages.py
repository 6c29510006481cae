"""Stage changes: judging members by the stage rule, and recording returns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.errors import ConcurrentModification
from domain.lifecycle.stages import (
    Activity,
    Assessment,
    Evidence,
    Stage,
    StageRule,
    assess,
    on_interaction,
)
from domain.members.member import Member

if TYPE_CHECKING:
    from application.members.community import Community

# A batch of stage changes is judged again this often when a member changed meanwhile.
MAX_ATTEMPTS = 5


def evaluate(
    community: Community, candidates: Sequence[tuple[UUID, Activity]], rule: StageRule, at: datetime
) -> int:
    """Record the stage changes the rule finds at `at`; returns how many members changed.

    Each member is judged from its own events (its stage now), so stale read models never
    cause a wrong change, and judging again changes nothing.
    """

    def judge() -> list[Member]:
        members = community.get_members([member_id for member_id, _ in candidates])
        judged = (_judged(members[i], a, rule, at) for i, a in candidates if i in members)
        return [member for member in judged if member]

    return _record(community, judge)


def record_returns(
    community: Community, candidates: Sequence[tuple[UUID, datetime]], rule_version: str
) -> int:
    """Record that quiet members came back, at their latest new interaction."""

    def judge() -> list[Member]:
        members = community.get_members([member_id for member_id, _ in candidates])
        back = (_returned(members[i], t, rule_version) for i, t in candidates if i in members)
        return [member for member in back if member]

    return _record(community, judge)


def _record(community: Community, judge: Callable[[], list[Member]]) -> int:
    for _ in range(MAX_ATTEMPTS):
        changed = judge()
        if not changed:
            return 0
        try:
            community.save_members(*changed)
            return len(changed)
        except IntegrityError:
            continue  # one of them changed meanwhile: judge all again
    raise ConcurrentModification(UUID(int=0))


def _judged(member: Member, activity: Activity, rule: StageRule, at: datetime) -> Member | None:
    if member.is_erased or (member.stage_since is not None and at < member.stage_since):
        return None  # erased, or already judged later than `at`: stages only move forward
    current = Stage(member.stage) if member.stage else None
    assessment = assess(rule, activity, at=at, current=current, since=member.stage_since)
    return member if member.change_stage(assessment, at) else None


def _returned(member: Member, at: datetime, rule_version: str) -> Member | None:
    current = Stage(member.stage) if member.stage else None
    if member.is_erased or not on_interaction(current, member.stage_since, at):
        return None
    evidence = Evidence(0.0, 0.0, at, 0, 0.0)
    back = Assessment(Stage.RETURNING, evidence, rule_version, "interacted again after being quiet")
    return member if member.change_stage(back, at) else None
