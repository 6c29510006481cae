"""Typed refusals of the conduct context, beyond the moves' IllegalIncidentMove."""

from __future__ import annotations

from uuid import UUID

from domain.errors import ConcurrentModification, DomainError, VersionMismatch


class IncidentNotFound(DomainError):
    """No conduct incident has this id."""

    code = "INCIDENT_NOT_FOUND"

    def __init__(self, incident_id: UUID) -> None:
        super().__init__(f"no conduct incident with id {incident_id}")
        self.incident_id = incident_id


class IncidentVersionMismatch(VersionMismatch):
    """The caller acted on a version of the incident that is no longer current."""

    def __init__(self, incident_id: UUID, expected: int, actual: int) -> None:
        super().__init__(incident_id, expected, actual)
        self.args = (
            f"incident {incident_id} is at version {actual}, not {expected}: reload and retry",
        )
        self.incident_id = incident_id


class IncidentModifiedConcurrently(ConcurrentModification):
    """Other writers kept changing the incident while this command retried."""

    def __init__(self, incident_id: UUID) -> None:
        super().__init__(incident_id)
        self.args = (f"incident {incident_id} is being changed concurrently: retry later",)
        self.incident_id = incident_id
