"""The one path every program mutation takes: authorise, validate, move, read your write."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

import strawberry

from api.auth import MANAGE_PROGRAM
from api.graphql.ambassadors.payloads import AmbassadorMoveConflict, AmbassadorshipChanged
from api.graphql.ambassadors.types import load_ambassadorship
from api.graphql.commands import attempt
from api.graphql.context import Info
from api.graphql.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    domain_error,
    forbidden,
)
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
    desk = info.context.services.use_cases.program
    change = await attempt(build, partial(handle, desk), refused=_refused)
    if not isinstance(change, ProgramChange):
        return change
    record = change.ambassadorship
    return success(
        ambassadorship=await load_ambassadorship(info, record.member_id, change.position),
        member_id=strawberry.ID(str(record.member_id)),
        version=record.version,
    )


def _refused(error: DomainError) -> AmbassadorMoveConflict | NotFound | ValidationFailed | Conflict:
    """A refusal typed: a move the program does not allow, or any other."""
    if isinstance(error, IllegalProgramMove):
        return move_conflict(error)
    return domain_error(error)


def move_conflict(error: IllegalProgramMove) -> AmbassadorMoveConflict:
    """The typed conflict of a move the program does not allow, naming status and move."""
    return AmbassadorMoveConflict(
        message=str(error),
        code=error.code,
        status=error.status,
        move=error.move,
        allowed=[m for m in allowed_moves(error.status) if m is not ProgramMove.EXPIRE],
    )
