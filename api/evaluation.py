"""The stage evaluation: judge every counted member at an instant, record what changed.

Run by `crm evaluate [--as-of DATE]` and on a schedule by `crm worker`. Members whose
read-model stage already matches the rule are skipped cheaply; the others are judged by
the application from their own events. Running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.runtime import Runtime
from domain.engagement import DEFAULT_RULE, EngagementRule
from domain.lifecycle import StageRule, assess
from projections.lifecycle_queries import LifecycleQueries

DEFAULT_STAGE_RULE = StageRule()
PAGE = 1_000


@dataclass(frozen=True)
class EvaluationReport:
    """What an evaluation looked at and changed."""

    at: datetime
    examined: int
    changed: int
    rule_version: str


def evaluate_stages(
    runtime: Runtime,
    at: datetime,
    *,
    rule: StageRule = DEFAULT_STAGE_RULE,
    engagement: EngagementRule = DEFAULT_RULE,
    progress: Callable[[int], None] | None = None,
) -> EvaluationReport:
    """Evaluate every counted member at `at`, a page at a time."""
    queries = LifecycleQueries(runtime.pool)
    examined = changed = 0
    after = UUID(int=0)
    while page := queries.activities(rule, engagement, at, after, PAGE):
        candidates = [
            (row.member_id, row.activity)
            for row in page
            if assess(rule, row.activity, at=at, current=row.stage, since=row.since).stage
            is not row.stage
        ]
        if candidates:
            changed += runtime.community.evaluate_stages(candidates, rule, at)
        examined += len(page)
        after = page[-1].member_id
        if progress:
            progress(len(page))
    return EvaluationReport(at, examined, changed, rule.version)
