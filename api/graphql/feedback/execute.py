"""The one path every feedback mutation takes: authorise, validate, act, read your write."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

import strawberry

from api.auth import Role
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
from api.graphql.feedback.payloads import FeedbackGroupConflict, FeedbackStatusConflict
from api.graphql.feedback.types import load_feedback_item
from application.feedback.desk import FeedbackDesk
from application.feedback.saving import FeedbackChange
from domain.commands import Command
from domain.errors import DomainError
from domain.feedback import (
    CanonicalIsDuplicate,
    FeedbackNotFound,
    FeedbackStatus,
    HasDuplicates,
    IllegalStatusChange,
)
from domain.feedback.workflow import check_status_change

C = TypeVar("C", bound=Command)
R = TypeVar("R")


async def execute(
    info: Info,
    allowed: Sequence[Role],
    action: str,
    build: Callable[[], C],
    handle: Callable[[FeedbackDesk, C], R],
) -> R | ValidationFailed | NotFound | Conflict | Forbidden:
    """Run a feedback command as one of the allowed roles; a typed error if refused."""
    if info.context.principal.role not in allowed:
        return forbidden(action, allowed)
    desk = info.context.services.use_cases.feedback
    return await attempt(build, partial(handle, desk), refused=_refused)


def _refused(error: DomainError) -> NotFound | ValidationFailed | Conflict:
    """A refusal typed: an unknown item, or any other."""
    if isinstance(error, FeedbackNotFound):
        return NotFound(message=str(error), id=strawberry.ID(str(error.item_id)))
    return domain_error(error)


async def changed(info: Info, change: FeedbackChange) -> dict[str, Any]:
    """The success type's fields: the item as the read model holds it after the change."""
    item = await load_feedback_item(info, change.item.id, change.position)
    return {
        "item": item,
        "item_id": strawberry.ID(str(change.item.id)),
        "version": change.item.version,
    }


def status_conflict(error: IllegalStatusChange) -> FeedbackStatusConflict:
    """The typed conflict of an illegal status change, naming both statuses."""
    return FeedbackStatusConflict(
        message=str(error),
        code=error.code,
        from_status=error.current,
        to_status=error.wanted,
        allowed=allowed_from(error.current),
    )


def allowed_from(current: FeedbackStatus) -> list[FeedbackStatus]:
    """The statuses the workflow allows from this one."""
    allowed = []
    for wanted in FeedbackStatus:
        try:
            check_status_change(current, wanted)
        except IllegalStatusChange:
            continue
        allowed.append(wanted)
    return allowed


def group_conflict(error: CanonicalIsDuplicate | HasDuplicates) -> FeedbackGroupConflict:
    """The typed conflict of a mark that would nest duplicate groups."""
    if isinstance(error, CanonicalIsDuplicate):
        return FeedbackGroupConflict(
            message=str(error),
            code=error.code,
            canonical_id=strawberry.ID(str(error.canonical_id)),
            duplicate_ids=[],
        )
    return FeedbackGroupConflict(
        message=str(error),
        code=error.code,
        canonical_id=None,
        duplicate_ids=[strawberry.ID(str(i)) for i in error.duplicate_ids],
    )
