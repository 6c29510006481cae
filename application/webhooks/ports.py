"""What the webhooks use cases need from the read side (projections/webhooks implements it)."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.webhooks.deliveries import Claimed, Outcome, Receiver


class DeliveryQueue(Protocol):
    """The outbox: who receives, claiming due deliveries, recording attempts, replays."""

    def receivers(self) -> list[Receiver]:
        """The active subscriptions."""
        ...

    def claim(self, subscription_id: UUID, limit: int, lease_seconds: float) -> list[Claimed]:
        """Up to `limit` due deliveries of a subscription, none behind an earlier one of
        its member, leased for `lease_seconds`."""
        ...

    def record(self, outcomes: list[Outcome]) -> None:
        """Record attempts; one whose lease was taken over since is dropped."""
        ...

    def replay(self, subscription_id: UUID, from_position: int) -> tuple[int, int | None]:
        """Send again every delivery from the position on: (how many, the last position)."""
        ...


class Contents(Protocol):
    """The bodies of claimed deliveries, rendered from the log for a receiver's role."""

    def bodies(self, claimed: list[Claimed], *, personal: bool) -> dict[int, bytes]:
        """Each delivery's JSON body, by notification id."""
        ...
