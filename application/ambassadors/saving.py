"""Loading and saving ambassadorships through the Community: load, act, save, with retries."""

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

from application.crypto import SubjectErased
from application.members.community import Community
from domain.ambassadors.ambassadorship import Ambassadorship
from domain.ambassadors.errors import (
    AmbassadorshipModifiedConcurrently,
    AmbassadorshipVersionMismatch,
)
from domain.errors import MemberIsErased

# A move is retried this often when another writer saved the same record first, after a
# short random pause so that the writers do not collide again in step (as for feedback).
MAX_ATTEMPTS = 10
RETRY_PAUSE_SECONDS = 0.005


@dataclass(frozen=True)
class ProgramChange:
    """The outcome of a move: the ambassadorship after it, and where its last event landed.

    `position` is None when nothing needed recording (the same tier again).
    """

    ambassadorship: Ambassadorship
    position: int | None


class ProgramStore:
    """Ambassadorships, read from and written to the one event store."""

    def __init__(self, community: Community) -> None:
        self.community = community

    def find(self, member_id: UUID) -> Ambassadorship | None:
        """The member's ambassadorship as its events made it; None if never nominated."""
        try:
            found: Aggregate = self.community.repository.get(Ambassadorship.id_for(member_id))
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, Ambassadorship) else None

    def load(self, member_id: UUID) -> Ambassadorship:
        """The member's ambassadorship; a new, unsaved record if never nominated."""
        return self.find(member_id) or Ambassadorship.open(member_id)

    def change(
        self,
        member_id: UUID,
        expected: int | None,
        act: Callable[[Ambassadorship], Any],
    ) -> ProgramChange:
        """Load, act, save; act again on the new state if another writer saved first."""
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, RETRY_PAUSE_SECONDS * attempt))
            record = self.load(member_id)
            current = _saved_version(record)
            if expected is not None and current != expected:
                raise AmbassadorshipVersionMismatch(member_id, expected, current)
            act(record)
            try:
                recordings = self.community.save(record)
            except SubjectErased:
                # The member was erased: a reason about them can no longer be sealed.
                raise MemberIsErased(member_id) from None
            except IntegrityError:
                # Another writer saved this record first: the caller's version is stale.
                if expected is not None:
                    found = self.find(member_id)
                    actual = found.version if found is not None else 0
                    raise AmbassadorshipVersionMismatch(member_id, expected, actual) from None
                continue
            position = recordings[-1].notification.id if recordings else None
            return ProgramChange(record, position)
        raise AmbassadorshipModifiedConcurrently(member_id)


def _saved_version(record: Ambassadorship) -> int:
    """The version saved so far: 0 for a record not saved yet."""
    return record.version - len(record.pending_events)
