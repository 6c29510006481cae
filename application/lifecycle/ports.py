"""What the lifecycle use cases need: read-model ports, and the application they record through.

The use cases declare what they need here; projections.lifecycle provides the reads, the
Community application records, and the composition root (api/bootstrap.py) hands them over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.interactions.engagement import EngagementRule
from domain.lifecycle import Assessment, History, Stage
from domain.moments import TimeBounds

# A member's planned stage changes: (effective at, assessment), oldest first.
Plan = Sequence[tuple[datetime, Assessment]]


class MemberHistories(Protocol):
    """Counted members' weighted interactions up to an instant."""

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
        """Up to `limit` counted members after id `after`, with interactions in (since, until].

        With `settled`, a rule version, members it holds inactive who have not interacted
        since are left out: nothing can change for them until they interact.
        """
        ...

    def histories_of(
        self, engagement: EngagementRule, member_ids: list[UUID], until: datetime
    ) -> list[History]:
        """These members' histories up to `until` (those not counted are left out)."""
        ...


class RecordedStages(Protocol):
    """The stage the lifecycle read model holds for members, and since when."""

    def recorded(self, member_ids: list[UUID]) -> Mapping[UUID, tuple[Stage, datetime]]:
        """The current stage and its start of those of these members who have one."""
        ...

    def quiet(self, member_ids: list[UUID]) -> list[UUID]:
        """Those of these members who are at risk or inactive now."""
        ...


# Brings every read model to the head of the event log, in this process.
CatchUp = Callable[[], None]


class StageRecorder(Protocol):
    """The event-sourced application that records stage changes on each member."""

    @property
    def bounds(self) -> TimeBounds:
        """The span of moments the application accepts."""
        ...

    def record_stages(self, plans: Sequence[tuple[UUID, Plan]]) -> int:
        """Record each member's planned stage changes; how many members changed."""
        ...
