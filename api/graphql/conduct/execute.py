"""The one path every conduct mutation takes: authorise, validate, act, read your write."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import strawberry

from api.auth import READ_CONDUCT
from api.graphql.commands import attempt
from api.graphql.conduct import enums  # noqa: F401 (registers the enums)
from api.graphql.conduct.payloads import ConductMoveConflict
from api.graphql.conduct.types import load_incident
from api.graphql.context import Info
from api.graphql.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    domain_error,
    forbidden,
)
from application.conduct.desk import ConductDesk
from application.conduct.saving import IncidentChange
from domain.commands import Command
from domain.conduct import IllegalIncidentMove, IncidentNotFound, IncidentStatus, allowed_moves
from domain.errors import DomainError

C = TypeVar("C", bound=Command)
Refused = ValidationFailed | NotFound | Conflict | Forbidden | ConductMoveConflict


async def execute(
    info: Info,
    action: str,
    build: Callable[[], C],
    handle: Callable[[ConductDesk, C], IncidentChange],
) -> IncidentChange | Refused:
    """Run a conduct command as an admin or manager; a typed error if refused."""
    if not info.context.principal.can_read_conduct:
        return forbidden(action, READ_CONDUCT)
    desk = info.context.services.use_cases.conduct
    return await attempt(build, partial(handle, desk), refused=_refused)


def _refused(error: DomainError) -> NotFound | ValidationFailed | Conflict | ConductMoveConflict:
    """A refusal typed: an unknown incident, a move the process does not allow, or other."""
    if isinstance(error, IncidentNotFound):
        return NotFound(message=str(error), id=strawberry.ID(str(error.incident_id)))
    if isinstance(error, IllegalIncidentMove):
        return move_conflict(error)
    return domain_error(error)


def move_conflict(error: IllegalIncidentMove) -> ConductMoveConflict:
    """The typed conflict of a move the process refuses, naming status, move and the allowed."""
    assert error.status is not None  # commands address incidents that exist
    return ConductMoveConflict(
        message=str(error),
        code=error.code,
        status=IncidentStatus(error.status),
        move=error.move.value,
        allowed=[move.value for move in allowed_moves(error.status)],
    )


async def changed(info: Info, change: IncidentChange) -> dict[str, Any]:
    """The success type's fields: the incident as the read model holds it after the change."""
    incident = await load_incident(info, change.incident.id, change.position)
    return {
        "incident": incident,
        "incident_id": strawberry.ID(str(change.incident.id)),
        "version": change.incident.version,
    }
