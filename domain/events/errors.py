"""Typed refusals of community events: each says which rule a command broke."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.errors import ConcurrentModification, ConflictError, DomainError, VersionMismatch


class CommunityEventNotFound(DomainError):
    """No community event has this id."""

    code = "COMMUNITY_EVENT_NOT_FOUND"

    def __init__(self, event_id: UUID) -> None:
        super().__init__(f"no community event with id {event_id}")
        self.event_id = event_id


class EventIsCancelled(ConflictError):
    """A cancelled event takes no registrations, check-ins, new times or second cancellation."""

    code = "EVENT_CANCELLED"

    def __init__(self, event_id: UUID) -> None:
        super().__init__(f"community event {event_id} was cancelled")
        self.event_id = event_id


class EventAlreadyHeld(ConflictError):
    """Once someone checked in the event took place: it is neither moved nor cancelled."""

    code = "EVENT_ALREADY_HELD"

    def __init__(self, event_id: UUID) -> None:
        super().__init__(f"community event {event_id} already has check-ins: it took place")
        self.event_id = event_id


class CheckInTooEarly(ConflictError):
    """Doors open a grace period before the start; a check-in before that is a mistake."""

    code = "CHECK_IN_TOO_EARLY"

    def __init__(self, event_id: UUID, opens_at: datetime) -> None:
        super().__init__(f"community event {event_id} opens for check-in at {opens_at.isoformat()}")
        self.event_id = event_id
        self.opens_at = opens_at


class EventVersionMismatch(VersionMismatch):
    """The caller acted on a version of the event that is no longer current."""

    def __init__(self, event_id: UUID, expected: int, actual: int) -> None:
        super().__init__(event_id, expected, actual)
        self.args = (
            f"community event {event_id} is at version {actual}, not {expected}: reload and retry",
        )
        self.event_id = event_id


class EventModifiedConcurrently(ConcurrentModification):
    """Other writers kept changing the event while this command retried."""

    def __init__(self, event_id: UUID) -> None:
        super().__init__(event_id)
        self.args = (f"community event {event_id} is being changed concurrently: retry later",)
        self.event_id = event_id
