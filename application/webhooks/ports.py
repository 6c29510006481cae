"""What the webhooks use cases need from the read side (projections/webhooks implements it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import Protocol
from uuid import UUID

from domain.webhooks.deliveries import Claimed, Outcome, Receiver


class DeliveryQueue(Protocol):
    """The outbox: claiming due deliveries, recording attempts, replays."""

    def claim(
        self, busy: Mapping[UUID, int], per_subscription: int, limit: int, lease_seconds: float
    ) -> list[tuple[Receiver, Claimed]]:
        """Up to `limit` due deliveries of the active subscriptions, up to `per_subscription`
        in flight each (`busy` are out already), none behind an earlier one of its member,
        leased for `lease_seconds`, in log order."""
        ...

    def record(self, outcomes: list[Outcome]) -> None:
        """Record attempts; one whose lease was taken over since is dropped."""
        ...

    def replay(self, subscription_id: UUID, from_position: int) -> tuple[int, int | None]:
        """Send again every delivery from the position on: (how many, the last position)."""
        ...


class Contents(Protocol):
    """The bodies of claimed deliveries, rendered from the log for a receiver's role."""

    def bodies(self, claimed: Sequence[Claimed], personal: Set[UUID]) -> list[bytes | None]:
        """Each delivery's JSON body (None when its event is gone), personal data shown to
        the subscriptions in `personal`; each event read and rendered once."""
        ...
