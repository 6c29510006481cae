"""The path the notes and motivation mutations share: staff only, then build, act, type."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from api.auth import MANAGE_OUTREACH
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
from domain.commands import Command
from domain.errors import DomainError

C = TypeVar("C", bound=Command)
R = TypeVar("R")
Refused = ValidationFailed | NotFound | Conflict | Forbidden


async def staff_command(
    info: Info,
    action: str,
    build: Callable[[], C],
    act: Callable[[C], R],
    refused: Callable[[DomainError], NotFound | ValidationFailed | Conflict] = domain_error,
) -> R | Refused:
    """What `act` returns for an admin or manager; FORBIDDEN for other roles (naming
    `action`), else the input's or the domain's refusal, typed."""
    if not info.context.principal.can_manage_outreach:
        return forbidden(action, MANAGE_OUTREACH)
    return await attempt(build, act, refused=refused)
