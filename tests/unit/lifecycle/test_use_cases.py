"""The lifecycle use cases run on what they are handed: a fake application, ports and clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from application.interactions.recording import ACCEPTED, DUPLICATE, IngestReport
from application.lifecycle.evaluation import StageEvaluation
from application.lifecycle.ports import Plan
from application.lifecycle.returns import RecordReturns
from domain.interactions.commands import RecordInteraction
from domain.interactions.engagement import EngagementRule
from domain.lifecycle import History, Stage, StageRule
from domain.moments import DEFAULT_BOUNDS, MomentInTheFuture, TimeBounds
from tests.unit.lifecycle.fakes import Histories

FROZEN = datetime(2024, 1, 1, tzinfo=UTC)


class Recorder:
    """An application that remembers the plans it was asked to record."""

    bounds: TimeBounds = DEFAULT_BOUNDS

    def __init__(self) -> None:
        self.plans: list[tuple[UUID, Plan]] = []

    def record_stages(self, plans: Sequence[tuple[UUID, Plan]]) -> int:
        self.plans.extend(plans)
        return len(plans)


class Stages:
    """A lifecycle read model holding the given members at risk since a week before FROZEN."""

    def __init__(self, *quiet: UUID) -> None:
        self.held = set(quiet)

    def recorded(self, member_ids: list[UUID]) -> dict[UUID, tuple[Stage, datetime]]:
        since = FROZEN - timedelta(days=7)
        return {m: (Stage.AT_RISK, since) for m in member_ids if m in self.held}

    def quiet(self, member_ids: list[UUID]) -> list[UUID]:
        return [m for m in member_ids if m in self.held]


def evaluation() -> StageEvaluation:
    return StageEvaluation(
        Recorder(),
        Histories(),
        Stages(),
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


def test_returns_judge_quiet_members_at_their_latest_accepted_interaction() -> None:
    quiet, active = uuid4(), uuid4()
    joined = FROZEN - timedelta(days=400)
    # Twice a week for most of a year, then silent for forty days.
    before = [(joined + timedelta(days=3.5 * k), 5.0) for k in range(90)]
    histories = Histories(History.of(quiet, joined, before), History.of(active, joined, before))
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
    returns = RecordReturns(
        recorder, histories, Stages(quiet), rule=StageRule(), engagement=EngagementRule()
    )
    assert returns(records, report) == 1
    [(member_id, plan)] = recorder.plans
    # Back at their first new interaction; the duplicate and the active member change nothing.
    assert member_id == quiet
    assert [(at, a.stage) for at, a in plan] == [(FROZEN - timedelta(days=3), Stage.RETURNING)]
