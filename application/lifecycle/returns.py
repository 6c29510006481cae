"""Quiet members coming back, recorded as their interactions are processed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from application.interactions import ACCEPTED, IngestReport
from application.lifecycle.planning import plan_stages
from application.lifecycle.ports import MemberHistories, Plan, RecordedStages, StageRecorder
from domain.interactions.commands import InteractionFields
from domain.interactions.engagement import EngagementRule
from domain.lifecycle import History, StageRule
from domain.lifecycle.history import from_us, to_us


class RecordReturns:
    """Brings the at-risk or inactive members among newly recorded interactions up to date.

    Called after each recorded batch (it is the interactions' AfterRecording port), so a
    member who comes back leaves the at-risk list at once rather than at the next evaluation.
    """

    def __init__(
        self,
        community: StageRecorder,
        histories: MemberHistories,
        stages: RecordedStages,
        *,
        rule: StageRule,
        engagement: EngagementRule,
    ) -> None:
        self.community = community
        self.histories = histories
        self.stages = stages
        self.rule = rule
        self.engagement = engagement

    def __call__(self, records: Sequence[InteractionFields], report: IngestReport) -> int:
        """How many members changed stage among this batch's quiet members.

        Each is judged at their latest new interaction, on their history read back plus this
        batch (the read model may not hold it yet). One it misses is caught by the next
        evaluation.
        """
        batch = _accepted(records, report, self.engagement)
        quiet = self.stages.quiet(list(batch)) if batch else []
        if not quiet:
            return 0
        latest = {member_id: max(moment for moment, _ in batch[member_id]) for member_id in quiet}
        recorded = self.stages.recorded(quiet)
        plans: list[tuple[UUID, Plan]] = []
        for history in self.histories.histories_of(self.engagement, quiet, max(latest.values())):
            member_id = history.member_id
            whole = _with(history, batch[member_id])
            plan = plan_stages(
                self.rule,
                whole,
                recorded.get(member_id),
                latest[member_id],
                half_life=self.engagement.half_life,
            )
            if plan:
                plans.append((member_id, plan))
        return self.community.record_stages(plans) if plans else 0


def _accepted(
    records: Sequence[InteractionFields], report: IngestReport, engagement: EngagementRule
) -> dict[UUID, list[tuple[datetime, float]]]:
    accepted: dict[UUID, list[tuple[datetime, float]]] = {}
    for index, outcome in enumerate(report.outcomes):
        member_id = report.member_ids[index]
        if outcome == ACCEPTED and member_id is not None:
            record = records[index]
            accepted.setdefault(member_id, []).append(
                (record.occurred_at, engagement.weight(record.kind.value))
            )
    return accepted


def _with(history: History, new: list[tuple[datetime, float]]) -> History:
    """The history with this batch's interactions the read model does not hold yet."""
    known = list(zip(history.moments, history.weights, strict=True))
    held = set(known)
    missing = [(moment, weight) for moment, weight in new if (to_us(moment), weight) not in held]
    if not missing:
        return history
    return History.of(
        history.member_id,
        history.joined_at,
        [*((from_us(us), weight) for us, weight in known), *missing],
    )
