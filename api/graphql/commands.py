"""The step every mutation shares once its role may act: build the command from the input,
run it off the event loop, and answer a refusal with its typed error."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from pydantic import ValidationError

from api.graphql.errors import ValidationFailed, validation_failed
from api.services import in_thread
from domain.commands import Command
from domain.errors import DomainError

C = TypeVar("C", bound=Command)
R = TypeVar("R")
E = TypeVar("E")


async def attempt(
    build: Callable[[], C], act: Callable[[C], R], *, refused: Callable[[DomainError], E]
) -> R | E | ValidationFailed:
    """What `act` returns for the command `build` makes; the input's validation errors, or
    the domain's refusal as `refused` types it (api.graphql.errors.domain_error, or a
    context's own that names its conflicts first)."""
    try:
        command = build()
    except ValidationError as error:
        return validation_failed(error)
    try:
        return await in_thread(act, command)
    except DomainError as error:
        return refused(error)


async def attempt_queued(
    build: Callable[[], C],
    submit: Callable[[C], Future[R]],
    *,
    refused: Callable[[DomainError], E],
) -> R | E | ValidationFailed:
    """As attempt(), for a command queued for group commit: `submit` returns at once, and
    the answer comes when the command's batch is written (no thread waits for it)."""
    try:
        command = build()
    except ValidationError as error:
        return validation_failed(error)
    try:
        return await asyncio.wrap_future(submit(command))
    except DomainError as error:
        return refused(error)
