"""Quiet members coming back, recorded as their interactions are processed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from application.interactions.recording import ACCEPTED, IngestReport
from application.lifecycle.ports import QuietMembers
from domain.interactions.commands import RecordInteraction

if TYPE_CHECKING:
    from application.runtime import Runtime


def record_returns(
    runtime: Runtime,
    stages: QuietMembers,
    records: Sequence[RecordInteraction],
    report: IngestReport,
) -> int:
    """Mark as returning the at-risk or inactive members among these new interactions.

    The lifecycle read model only narrows the candidates; each is judged from its own
    events. One it misses (the read model lagging) is caught by the next evaluation.
    """
    latest: dict[UUID, datetime] = {}
    for index, outcome in enumerate(report.outcomes):
        member_id = report.member_ids[index]
        if outcome == ACCEPTED and member_id is not None:
            moment = records[index].occurred_at
            latest[member_id] = max(latest.get(member_id, moment), moment)
    if not latest:
        return 0
    quiet = stages.quiet(list(latest))
    if not quiet:
        return 0
    version = runtime.settings.stage_rule().version
    return runtime.community.record_returns([(m, latest[m]) for m in quiet], version)
