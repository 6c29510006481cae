"""What the lifecycle use cases need: read-model ports, and the application they record through.

The use cases declare what they need here; projections.lifecycle.LifecycleQueries and the
Community application provide it, and the composition root (api/bootstrap.py) hands it to them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.interactions.engagement import EngagementRule
from domain.lifecycle.stages import Activity, Stage, StageRule
from domain.moments import TimeBounds


class MemberActivityRow(Protocol):
    """A member's activity at an instant, and the stage the read model holds for them."""

    @property
    def member_id(self) -> UUID: ...

    @property
    def activity(self) -> Activity: ...

    @property
    def stage(self) -> Stage | None: ...

    @property
    def since(self) -> datetime | None: ...


class MemberActivities(Protocol):
    """Counted members' activity under a rule, a page at a time in member id order."""

    def activities(
        self,
        rule: StageRule,
        engagement: EngagementRule,
        at: datetime,
        after: UUID,
        limit: int,
    ) -> Sequence[MemberActivityRow]:
        """Up to `limit` members after the id `after`, measured at `at`."""
        ...


class QuietMembers(Protocol):
    """Which members the read model holds at risk or inactive."""

    def quiet(self, member_ids: list[UUID]) -> list[UUID]:
        """Those of these members who are at risk or inactive now."""
        ...


# Brings every read model to the head of the event log, in this process.
CatchUp = Callable[[], None]


class StageRecorder(Protocol):
    """The event-sourced application that judges each member from its own events and records it."""

    @property
    def bounds(self) -> TimeBounds:
        """The span of moments the application accepts."""
        ...

    def evaluate_stages(
        self, candidates: Sequence[tuple[UUID, Activity]], rule: StageRule, at: datetime
    ) -> int:
        """Record the stage changes the rule finds at `at`; how many members changed."""
        ...

    def record_returns(self, candidates: Sequence[tuple[UUID, datetime]], rule_version: str) -> int:
        """Record that quiet members came back, at their latest new interaction."""
        ...
