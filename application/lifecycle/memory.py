"""The histories port held in memory: for unit tests and the bench's database-free backtest."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.interactions.engagement import EngagementRule
from domain.lifecycle import History
from domain.lifecycle.history import to_us


class InMemoryHistories:
    """MemberHistories over histories held in memory, in member-id order, cut as asked."""

    def __init__(self, *histories: History) -> None:
        self.held = {history.member_id: history for history in histories}
        self.pages: list[int] = []  # the size of each page read, in order

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
        """A page after `after` of members joined by `until`, each cut to (since, until]."""
        ids = sorted(i for i in self.held if i > after and self.held[i].joined_at <= until)
        self.pages.append(len(ids[:limit]))
        return [cut(self.held[i], since, until) for i in ids[:limit]]

    def histories_of(
        self, engagement: EngagementRule, member_ids: list[UUID], until: datetime
    ) -> list[History]:
        """These members' histories up to `until`."""
        return [cut(self.held[i], None, until) for i in sorted(member_ids) if i in self.held]


def cut(history: History, since: datetime | None, until: datetime) -> History:
    """The history's interactions in (since, until]."""
    low, high = (to_us(since) if since else None), to_us(until)
    kept = [
        (moment, weight)
        for moment, weight in zip(history.moments, history.weights, strict=True)
        if (low is None or moment > low) and moment <= high
    ]
    return History(
        history.member_id,
        history.joined_at,
        tuple(moment for moment, _ in kept),
        tuple(weight for _, weight in kept),
    )
