"""A member's status in the community, and when leaving and rejoining may be recorded."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import InvalidField, MemberAlreadyLeft, MemberHasNotLeft
from domain.lifecycle import Stage
from domain.members.recorder import Recorder
from domain.moments import DEFAULT_BOUNDS, TimeBounds

ACTIVE = "active"
LEFT = "left"
ERASED = "erased"


class Membership(Protocol):
    """What leaving and rejoining read and write on a member."""

    status: str
    left_at: datetime | None
    stage: str | None
    stage_since: datetime | None


def check_left_at(
    left_at: datetime, *, joined_at: datetime, now: datetime, bounds: TimeBounds
) -> None:
    """A member leaves within the accepted span of time, and never before joining."""
    bounds.check("left_at", left_at, now)
    if left_at < joined_at:
        raise InvalidField("left_at", "a member cannot leave before joining")


def check_rejoined_at(
    rejoined_at: datetime, *, left_at: datetime | None, now: datetime, bounds: TimeBounds
) -> None:
    """A member comes back within the accepted span of time, and never before leaving."""
    bounds.check("rejoined_at", rejoined_at, now)
    if left_at is not None and rejoined_at < left_at:
        raise InvalidField("rejoined_at", "a member cannot rejoin before leaving")


def record_left(member: Membership, left_at: datetime) -> None:
    """Leaving ends the membership and puts the member in the left stage from then on."""
    member.status = LEFT
    member.left_at = left_at
    member.stage = Stage.LEFT.value
    member.stage_since = left_at


def record_rejoined(member: Membership, rejoined_at: datetime) -> None:
    """A member who comes back is active again, in the returning stage from then on."""
    member.status = ACTIVE
    member.left_at = None
    member.stage = Stage.RETURNING.value
    member.stage_since = rejoined_at


class LeftEvent(Aggregate.Event):
    """Fields of Member.Left."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("reason",)  # free text about a person
    left_at: datetime
    reason: str | None

    def apply(self, aggregate: Membership) -> None:
        record_left(aggregate, self.left_at)


class RejoinedEvent(Aggregate.Event):
    """Fields of Member.Rejoined."""

    rejoined_at: datetime

    def apply(self, aggregate: Membership) -> None:
        record_rejoined(aggregate, self.rejoined_at)


class MembershipCommands(Recorder):
    """Member's commands on its membership: leaving, and coming back."""

    joined_at: datetime
    status: str
    left_at: datetime | None
    if TYPE_CHECKING:  # Member declares the events, each with its pinned topic

        @property
        def id(self) -> UUID:
            """The member's id (the aggregate's)."""

        Left: ClassVar[type[LeftEvent]]
        Rejoined: ClassVar[type[RejoinedEvent]]

    def leave(
        self,
        *,
        left_at: datetime,
        reason: str | None,
        now: datetime,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> None:
        """Record that the member left; leaving twice is refused."""
        self._refuse_if_erased()
        if self.status == LEFT:
            raise MemberAlreadyLeft(self.id)
        check_left_at(left_at, joined_at=self.joined_at, now=now, bounds=bounds)
        self.trigger_event(self.Left, left_at=left_at, reason=reason)

    def rejoin(
        self, *, rejoined_at: datetime, now: datetime, bounds: TimeBounds = DEFAULT_BOUNDS
    ) -> None:
        """Record that a member who left came back."""
        self._refuse_if_erased()
        if self.status != LEFT:
            raise MemberHasNotLeft(self.id)
        check_rejoined_at(rejoined_at, left_at=self.left_at, now=now, bounds=bounds)
        self.trigger_event(self.Rejoined, rejoined_at=rejoined_at)
