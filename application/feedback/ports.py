"""What the feedback use cases need from outside their context: ports the composition root wires."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID


class DuplicateIndex(Protocol):
    """Which items name an item as their canonical one (the event store cannot say).

    The feedback read model answers it (projections/feedback/duplicates.py).
    """

    def duplicates_of(self, item_id: UUID) -> Sequence[UUID]:
        """Ids of the items marked as duplicates of this one (a few suffice to refuse)."""
        ...


class MemberSpoke(Protocol):
    """Runs after a member's praise or criticism is recorded: a quiet member comes back.

    The lifecycle's returns, in the app; the engagement projection counts the feedback
    itself, so nothing is recorded twice.
    """

    def __call__(self, member_id: UUID, channel: str, at: datetime) -> object:
        """React to the member having spoken on this channel at this moment."""
        ...


class NoDuplicates:
    """A DuplicateIndex for a store where no item names another (a fresh in-memory one)."""

    def duplicates_of(self, item_id: UUID) -> Sequence[UUID]:
        """No item is ever named canonical."""
        return ()
