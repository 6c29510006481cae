"""The backtest of the known-behaviour community from the generator's own histories.

The same `Backtest` use case as `crm backtest`, fed each member's interactions straight from
application/behaviours.py instead of the database: equal figures on both sides show that
importing, projecting and reading the histories lost nothing on the way.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from application.behaviours import Community, members
from application.lifecycle.backtest import Backtest
from application.lifecycle.memory import InMemoryHistories
from domain.interactions.engagement import EngagementRule
from domain.lifecycle.history import History
from domain.lifecycle.rule import StageRule
from domain.moments import DEFAULT_BOUNDS


def generated_histories(community: Community, engagement: EngagementRule) -> InMemoryHistories:
    """The histories port over the generator's members, weighted by the engagement rule."""
    weight = engagement.weight
    return InMemoryHistories(
        *(
            History.of(
                UUID(int=known.number + 1),
                known.joined_at,
                [(i.occurred_at, weight(i.kind)) for i in known.interactions],
            )
            for known in members(community)
        )
    )


def backtest(
    community: Community, since: datetime, until: datetime, *, every: timedelta, horizon: timedelta
) -> dict[str, dict[str, Any]]:
    """Every rule's scores, by name, as `crm backtest --json` gives them."""
    engagement = EngagementRule()
    use_case = Backtest(
        generated_histories(community, engagement),
        rule=StageRule(),
        engagement=engagement,
        bounds=DEFAULT_BOUNDS,
        clock=lambda: community.end + timedelta(days=1),
    )
    report = use_case.run(None, since, until, every=every, horizon=horizon)
    scores = [asdict(score) for score in (report.rule, *report.references)]
    return {score.pop("name"): score for score in scores}
