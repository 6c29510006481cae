"""What the feedback use cases need from outside their context: ports the composition root wires."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID


class MemberSpoke(Protocol):
    """Runs after a member's praise or criticism is recorded: a quiet member comes back.

    The lifecycle's returns, in the app; the engagement projection counts the feedback
    itself, so nothing is recorded twice.
    """

    def __call__(self, member_id: UUID, channel: str, at: datetime) -> object:
        """React to the member having spoken on this channel at this moment."""
        ...
