"""Loading and saving incidents through the Community: load, act, save, with retries."""

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
from domain.conduct import (
    Incident,
    IncidentModifiedConcurrently,
    IncidentNotFound,
    IncidentVersionMismatch,
)
from domain.conduct.commands import IncidentCommand
from domain.errors import MemberIsErased

# A command is retried this often when another writer saved the same incident first, after
# a short random pause so that the writers do not collide again in step (as for members).
MAX_ATTEMPTS = 10
RETRY_PAUSE_SECONDS = 0.005


@dataclass(frozen=True)
class IncidentChange:
    """The outcome of a command: the incident after it, and where its last event landed.

    `retired` is True when an upheld BAN retired the member's ambassadorship.
    """

    incident: Incident
    position: int | None
    retired: bool = False


class IncidentStore:
    """Incidents and the members they name, read from and written to the one event store."""

    def __init__(self, community: Community) -> None:
        self.community = community

    def incident(self, incident_id: UUID) -> Incident:
        """The incident's current state, replayed from its events."""
        try:
            found: Aggregate = self.community.repository.get(incident_id)
        except AggregateNotFoundError:
            raise IncidentNotFound(incident_id) from None
        if not isinstance(found, Incident):
            raise IncidentNotFound(incident_id)
        return found

    def members(self, *member_ids: UUID | None) -> None:
        """Every member named (None: not named) exists and is not erased."""
        for member_id in dict.fromkeys(m for m in member_ids if m is not None):
            if self.community.get_member(member_id).is_erased:
                raise MemberIsErased(member_id)

    def save(self, incident: Incident) -> IncidentChange:
        """Record the incident's pending events."""
        try:
            recordings = self.community.save(incident)
        except SubjectErased:
            # The member concerned was erased between the check and the save: no key.
            raise MemberIsErased(incident.member_id) from None
        position = recordings[-1].notification.id if recordings else None
        return IncidentChange(incident, position)

    def change(self, command: IncidentCommand, act: Callable[[Incident], Any]) -> IncidentChange:
        """Load, act, save; act again on the new state if another writer saved first."""
        expected = command.expected_version
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, RETRY_PAUSE_SECONDS * attempt))
            incident = self.incident(command.incident_id)
            if expected is not None and incident.version != expected:
                raise IncidentVersionMismatch(incident.id, expected, incident.version)
            act(incident)
            try:
                return self.save(incident)
            except IntegrityError:
                # Another writer saved this incident first: the caller's version is stale.
                if expected is not None:
                    current = self.incident(incident.id).version
                    raise IncidentVersionMismatch(incident.id, expected, current) from None
        raise IncidentModifiedConcurrently(command.incident_id)
