"""Quiet members coming back, recorded as their interactions are processed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from application.interactions import ACCEPTED, IngestReport
from application.lifecycle.ports import QuietMembers, StageRecorder
from domain.interactions.commands import RecordInteraction


class RecordReturns:
    """Marks as returning the at-risk or inactive members among newly recorded interactions.

    Called after each recorded batch (it is the interactions' AfterRecording port).
    """

    def __init__(
        self, community: StageRecorder, stages: QuietMembers, *, rule_version: str
    ) -> None:
        self.community = community
        self.stages = stages
        self.rule_version = rule_version

    def __call__(self, records: Sequence[RecordInteraction], report: IngestReport) -> int:
        """How many members came back among this batch's accepted interactions.

        The lifecycle read model only narrows the candidates; each is judged from its own
        events. One it misses (the read model lagging) is caught by the next evaluation.
        """
        latest = _latest_accepted(records, report)
        if not latest:
            return 0
        quiet = self.stages.quiet(list(latest))
        if not quiet:
            return 0
        return self.community.record_returns([(m, latest[m]) for m in quiet], self.rule_version)


def _latest_accepted(
    records: Sequence[RecordInteraction], report: IngestReport
) -> dict[UUID, datetime]:
    latest: dict[UUID, datetime] = {}
    for index, outcome in enumerate(report.outcomes):
        member_id = report.member_ids[index]
        if outcome == ACCEPTED and member_id is not None:
            moment = records[index].occurred_at
            latest[member_id] = max(latest.get(member_id, moment), moment)
    return latest
