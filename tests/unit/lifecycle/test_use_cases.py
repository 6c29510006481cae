"""The lifecycle use cases run on what they are handed: a fake application, ports and clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from application.interactions.recording import ACCEPTED, DUPLICATE, IngestReport
from application.lifecycle.evaluation import StageEvaluation
from application.lifecycle.ports import MemberActivityRow
from application.lifecycle.returns import RecordReturns
from domain.interactions.commands import RecordInteraction
from domain.interactions.engagement import EngagementRule
from domain.lifecycle.stages import Activity, StageRule
from domain.moments import DEFAULT_BOUNDS, MomentInTheFuture, TimeBounds

FROZEN = datetime(2024, 1, 1, tzinfo=UTC)


class Recorder:
    """An application that remembers what it was asked to record."""

    bounds: TimeBounds = DEFAULT_BOUNDS

    def __init__(self) -> None:
        self.returns: list[tuple[UUID, datetime]] = []

    def evaluate_stages(
        self, candidates: Sequence[tuple[UUID, Activity]], rule: StageRule, at: datetime
    ) -> int:
        return len(candidates)

    def record_returns(self, candidates: Sequence[tuple[UUID, datetime]], rule_version: str) -> int:
        self.returns.extend(candidates)
        return len(candidates)


class NoActivity:
    """A lifecycle read model with no counted member."""

    def activities(
        self, rule: StageRule, engagement: EngagementRule, at: datetime, after: UUID, limit: int
    ) -> Sequence[MemberActivityRow]:
        return []


class Quiet:
    """A lifecycle read model holding the given members at risk or inactive."""

    def __init__(self, *quiet: UUID) -> None:
        self.held = set(quiet)

    def quiet(self, member_ids: list[UUID]) -> list[UUID]:
        return [m for m in member_ids if m in self.held]


def evaluation() -> StageEvaluation:
    return StageEvaluation(
        Recorder(),
        NoActivity(),
        rule=StageRule(),
        engagement=EngagementRule(),
        clock=lambda: FROZEN,
    )


def test_an_evaluation_judges_the_future_by_its_own_clock() -> None:
    with pytest.raises(MomentInTheFuture):
        evaluation().evaluate(FROZEN + timedelta(days=30))
    report = evaluation().evaluate(FROZEN)
    assert (report.at, report.examined, report.changed) == (FROZEN, 0, 0)


def interaction(member_id: UUID, days: int, external_id: str) -> RecordInteraction:
    return RecordInteraction(
        member_id=member_id,
        channel="discord",
        kind="reply",
        occurred_at=FROZEN - timedelta(days=days),
        external_id=external_id,
    )


def test_returns_mark_quiet_members_back_at_their_latest_accepted_interaction() -> None:
    quiet, active = uuid4(), uuid4()
    records = [
        interaction(quiet, 3, "a"),
        interaction(quiet, 1, "b"),
        interaction(quiet, 0, "seen-before"),
        interaction(active, 2, "c"),
    ]
    report = IngestReport(
        outcomes=[ACCEPTED, ACCEPTED, DUPLICATE, ACCEPTED],
        interaction_ids=[uuid4(), uuid4(), None, uuid4()],
        member_ids=[quiet, quiet, quiet, active],
    )
    recorder = Recorder()
    returns = RecordReturns(recorder, Quiet(quiet), rule_version="v1")
    assert returns(records, report) == 1
    assert recorder.returns == [(quiet, FROZEN - timedelta(days=1))]
