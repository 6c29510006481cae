"""What conduct decisions set off elsewhere, as ports the composition root fills."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID


class RetireOnBan(Protocol):
    """An upheld BAN retires the member's ambassadorship, if it is active or paused.

    Does nothing for a member outside the program; the retirement names the incident.
    """

    def __call__(self, member_id: UUID, incident_id: UUID, decided_by: UUID | None) -> bool:
        """True when an ambassadorship was retired."""
        ...
