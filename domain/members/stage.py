"""A member's lifecycle stage: what a StageChanged records of an assessment, forward in time."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

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
