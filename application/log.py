"""What the Community needs of its event recorder beyond the library's ApplicationRecorder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import StoredEvent


@dataclass(frozen=True)
class EventGroup:
    """One member's events and the rows written beside them: saved together or not at all."""

    stored_events: Sequence[StoredEvent]
    claims: Sequence[tuple[bytes, UUID]] = ()
    releases: Sequence[bytes] = ()
    shred: Sequence[UUID] = ()


class CommunityLog(Protocol):
    """CommunityRecorder on PostgreSQL, InMemoryCommunityRecorder on POPO persistence.

    Both also take save() keyword arguments claims=[(hash, member_id)], releases=[hash]
    and shred=[member_id], written atomically with the events.
    """

    def member_states(self, member_ids: Sequence[UUID]) -> dict[UUID, bool]:
        """Which of these ids are members, each with whether the member was erased."""
        ...

    def select_streams(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every event of these aggregates, each stream in version order."""
        ...

    def insert_events_skipping_duplicates(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> list[tuple[UUID, int]]:
        """Insert the events whose (originator, version) is new; return those inserted.

        With new_members={member_id: [interaction_id]}, a member first seen through those
        interactions is recorded (events and claims) only if one of them is new.
        """
        ...

    def insert_event_groups(self, groups: Sequence[EventGroup]) -> list[Sequence[int] | Exception]:
        """Every group in one transaction, each all or nothing: its notification ids, or
        the conflict that refused it (IntegrityError, IdentityClaimTaken)."""
        ...
