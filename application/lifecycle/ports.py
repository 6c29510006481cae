"""What the lifecycle use cases read from the read models: ports that projections/ implements.

The use cases declare what they need here; projections.lifecycle.LifecycleQueries provides it,
and the composition root (api/services.py, the CLI) hands it to them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.interactions.engagement import EngagementRule
from domain.lifecycle.stages import Activity, Stage, StageRule


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
