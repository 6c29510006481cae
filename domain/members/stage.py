"""A member's lifecycle stage: what a StageChanged records of an assessment, forward in time."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any, Protocol

from eventsourcing.domain import Aggregate

from domain.errors import InvalidField
from domain.lifecycle import Assessment, Evidence


def stage_change(
    assessment: Assessment, *, previous: str | None, since: datetime | None, effective_at: datetime
) -> dict[str, Any]:
    """The StageChanged fields for an assessment taking effect at `effective_at`."""
    if since is not None and effective_at < since:
        raise InvalidField("effective_at", "stages are evaluated forward in time only")
    return {
        "stage": assessment.stage.value,
        "previous": previous,
        "effective_at": effective_at,
        "rule_version": assessment.rule_version,
        "reason": assessment.reason,
        # Plain fields (asdict would deep-copy each value: the cost of a first evaluation).
        "evidence": {f.name: getattr(assessment.evidence, f.name) for f in fields(Evidence)},
    }


class Staged(Protocol):
    """What a stage change writes on a member."""

    stage: str | None
    stage_since: datetime | None


class StageChangedEvent(Aggregate.Event):
    """Fields of Member.StageChanged: the assessment that took effect at effective_at."""

    stage: str
    previous: str | None
    effective_at: datetime
    rule_version: str
    reason: str
    evidence: dict[str, Any]

    def apply(self, aggregate: Staged) -> None:
        aggregate.stage = self.stage
        aggregate.stage_since = self.effective_at
