"""The one path every program mutation takes: authorise, validate, move, read your write."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import strawberry
from pydantic import ValidationError

from api.auth import MANAGE_PROGRAM
from api.graphql.ambassadors.payloads import AmbassadorMoveConflict, AmbassadorshipChanged
from api.graphql.ambassadors.types import load_ambassadorship
from api.graphql.context import Info
from api.graphql.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    domain_error,
    forbidden,
    validation_failed,
)
from api.services import in_thread
from application.ambassadors.program import ProgramDesk
from application.ambassadors.saving import ProgramChange
from domain.ambassadors.commands import ProgramCommand
from domain.ambassadors.program import IllegalProgramMove, ProgramMove, allowed_moves
from domain.errors import DomainError

C = TypeVar("C", bound=ProgramCommand)
S = TypeVar("S", bound=AmbassadorshipChanged)
Refusal = AmbassadorMoveConflict | ValidationFailed | NotFound | Conflict | Forbidden


async def execute(
    info: Info,
    action: str,
    build: Callable[[], C],
    handle: Callable[[ProgramDesk, C], ProgramChange],
    success: type[S],
) -> S | Refusal:
    """Run a program command as admin or manager; the success type, or a typed refusal."""
    if not info.context.principal.can_manage_program:
        return forbidden(action, MANAGE_PROGRAM)
    try:
        command = build()
    except ValidationError as error:
        return validation_failed(error)
    desk = info.context.services.use_cases.program
    try:
        change = await in_thread(handle, desk, command)
    except IllegalProgramMove as error:
        return move_conflict(error)
    except DomainError as error:
        return domain_error(error)
    record = change.ambassadorship
    return success(
        ambassadorship=await load_ambassadorship(info, record.member_id, change.position),
        member_id=strawberry.ID(str(record.member_id)),
        version=record.version,
    )


def move_conflict(error: IllegalProgramMove) -> AmbassadorMoveConflict:
    """The typed conflict of a move the program does not allow, naming status and move."""
    return AmbassadorMoveConflict(
        message=str(error),
        code=error.code,
        status=error.status,
        move=error.move,
        allowed=[m for m in allowed_moves(error.status) if m is not ProgramMove.EXPIRE],
    )
