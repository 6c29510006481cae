"""The one path every member mutation takes: authorise, validate, act, read your write."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from api.auth import Principal, Role
from api.graphql.commands import attempt, attempt_queued
from api.graphql.context import Info
from api.graphql.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    domain_error,
    forbidden,
)
from api.graphql.members.payloads import MemberChanged
from api.graphql.members.rows import member_from_aggregate, member_from_row
from api.graphql.members.types import Member
from api.services import Services, in_thread
from application.members.community import Change
from domain.commands import Command

WRITE_ROLES = (Role.ADMIN, Role.MANAGER)

C = TypeVar("C", bound=Command)
S = TypeVar("S", bound=MemberChanged)


async def execute(
    info: Info,
    build: Callable[[], C],
    handle: Callable[[C], Change],
    success: type[S],
) -> S | ValidationFailed | NotFound | Conflict | Forbidden:
    """Run a member command and answer with the success type or a typed error."""
    principal = info.context.principal
    if not principal.can_write_members:
        return forbidden("change members", WRITE_ROLES)
    change = await attempt(build, handle, refused=domain_error)
    if not isinstance(change, Change):
        return change
    return await _answer(info, change, success)


async def execute_queued(
    info: Info,
    build: Callable[[], C],
    submit: Callable[[C], Future[Change]],
    success: type[S],
) -> S | ValidationFailed | NotFound | Conflict | Forbidden:
    """As execute(), the command written by group commit with its neighbours' commands."""
    if not info.context.principal.can_write_members:
        return forbidden("change members", WRITE_ROLES)
    change = await attempt_queued(build, submit, refused=domain_error)
    if not isinstance(change, Change):
        return change
    return await _answer(info, change, success)


async def _answer(info: Info, change: Change, success: type[S]) -> S:
    """The success type with the member as written and where its last event landed."""
    principal = info.context.principal
    member = await in_thread(_member_after, info.context.services, change, principal)
    return success(member=member, position=_position(change.position))


def _position(position: int | None) -> str | None:
    return None if position is None else str(position)


def _member_after(services: Services, change: Change, principal: Principal) -> Member:
    reveal = principal.can_read_personal_data
    member_id = change.member.id
    if services.wait_for_members(change.position):
        row = services.members.by_ids([member_id]).get(member_id)
        if row is not None:
            identities = services.members.identities([member_id])
            services.members.open([row], identities, reveal)
            return member_from_row(row, identities[member_id], reveal)
    return member_from_aggregate(change.member, reveal)
