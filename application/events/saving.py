"""Loading and saving community events through the Community: load, act, save, with retries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.members.community import Community
from domain.events import (
    CommunityEvent,
    CommunityEventNotFound,
    EventModifiedConcurrently,
    EventVersionMismatch,
)
from domain.events.commands import EventCommand

# A command is retried this often when another writer saved the same event first, after a
# short random pause so that the writers do not collide again in step (as for members).
MAX_ATTEMPTS = 10
RETRY_PAUSE_SECONDS = 0.005


@dataclass(frozen=True)
class EventChange:
    """The outcome of a command: the event after it, where its last event landed, and
    whether anything was recorded (registering or checking in twice records nothing)."""

    event: CommunityEvent
    position: int | None
    changed: bool = True


class EventStore:
    """Community events, read from and written to the one event store."""

    def __init__(self, community: Community) -> None:
        self.community = community

    def event(self, event_id: UUID) -> CommunityEvent:
        """The event's current state, replayed from its events."""
        try:
            found: Aggregate = self.community.repository.get(event_id)
        except AggregateNotFoundError:
            raise CommunityEventNotFound(event_id) from None
        if not isinstance(found, CommunityEvent):
            raise CommunityEventNotFound(event_id)
        return found

    def save(self, event: CommunityEvent) -> EventChange:
        """Record the event's pending events (none: nothing changed)."""
        changed = bool(event.pending_events)
        recordings = self.community.save(event) if changed else []
        position = recordings[-1].notification.id if recordings else None
        return EventChange(event, position, changed)

    def change(self, command: EventCommand, act: Callable[[CommunityEvent], Any]) -> EventChange:
        """Load, act, save; act again on the new state if another writer saved first."""
        return self.change_by_id(command.event_id, act, command.expected_version)

    def change_by_id(
        self,
        event_id: UUID,
        act: Callable[[CommunityEvent], Any],
        expected: int | None = None,
    ) -> EventChange:
        """As `change`, for callers that address the event by id (the attendance import)."""
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, RETRY_PAUSE_SECONDS * attempt))
            event = self.event(event_id)
            if expected is not None and event.version != expected:
                raise EventVersionMismatch(event.id, expected, event.version)
            act(event)
            try:
                return self.save(event)
            except IntegrityError:
                # Another writer saved this event first: the caller's version is stale.
                if expected is not None:
                    current = self.event(event.id).version
                    raise EventVersionMismatch(event.id, expected, current) from None
        raise EventModifiedConcurrently(event_id)
