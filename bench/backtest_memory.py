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
from domain.interactions.engagement import EngagementRule
from domain.lifecycle.history import History, to_us
from domain.lifecycle.stages import StageRule
from domain.moments import DEFAULT_BOUNDS


class GeneratedHistories:
    """The histories port over the generator's members, held in memory in member-id order."""

    def __init__(self, community: Community, engagement: EngagementRule) -> None:
        weight = engagement.weight
        self.held = [
            History.of(
                UUID(int=known.number + 1),
                known.joined_at,
                [(i.occurred_at, weight(i.kind)) for i in known.interactions],
            )
            for known in members(community)
        ]

    def histories(
        self,
        engagement: EngagementRule,
        *,
        until: datetime,
        after: UUID,
        limit: int,
        since: datetime | None = None,
        settled: str | None = None,
    ) -> list[History]:
        """A page after `after`, each history cut to (since, until]."""
        page = [h for h in self.held if h.member_id > after and h.joined_at <= until][:limit]
        return [_cut(history, since, until) for history in page]

    def histories_of(
        self, engagement: EngagementRule, member_ids: list[UUID], until: datetime
    ) -> list[History]:
        """These members' histories up to `until`."""
        wanted = set(member_ids)
        return [_cut(h, None, until) for h in self.held if h.member_id in wanted]


def _cut(history: History, since: datetime | None, until: datetime) -> History:
    low, high = (to_us(since) if since else None), to_us(until)
    kept = [
        (moment, weight)
        for moment, weight in zip(history.moments, history.weights, strict=True)
        if (low is None or moment > low) and moment <= high
    ]
    return History(
        history.member_id,
        history.joined_at,
        tuple(m for m, _ in kept),
        tuple(w for _, w in kept),
    )


def backtest(
    community: Community, since: datetime, until: datetime, *, every: timedelta, horizon: timedelta
) -> dict[str, dict[str, Any]]:
    """Every rule's scores, by name, as `crm backtest --json` gives them."""
    engagement = EngagementRule()
    use_case = Backtest(
        GeneratedHistories(community, engagement),
        rule=StageRule(),
        engagement=engagement,
        bounds=DEFAULT_BOUNDS,
        clock=lambda: community.end + timedelta(days=1),
    )
    report = use_case.run(None, since, until, every=every, horizon=horizon)
    scores = [asdict(score) for score in (report.rule, *report.references)]
    return {score.pop("name"): score for score in scores}
