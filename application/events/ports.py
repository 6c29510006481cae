"""What the events context needs from others, as ports the composition root fills."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from domain.interactions.commands import RecordInteraction


class InteractionRecording(Protocol):
    """Records attendance as interactions (the interactions context's use case, so that a
    quiet member who comes to an event is seen coming back)."""

    def __call__(
        self, records: Sequence[RecordInteraction], *, create_unknown_members: bool
    ) -> object:
        """Record the batch; each (channel, external id) once ever."""
        ...


class MemberDirectory(Protocol):
    """Finds a member by e-mail address, through the members' blind index."""

    def member_by_email(self, email: str) -> UUID | None:
        """The member with this e-mail (any case), not erased; None when there is none."""
        ...
