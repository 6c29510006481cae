"""Community event mutations: each builds a command, runs it on the desk, returns its union.

Admin and manager only (MANAGE_EVENTS): every other role gets the FORBIDDEN result.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

import strawberry

from api.auth import MANAGE_EVENTS
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
from api.graphql.events import payloads as p
from api.graphql.events.inputs import (
    CancelCommunityEventInput,
    CheckInToEventInput,
    RegisterForEventInput,
    RescheduleCommunityEventInput,
    ScheduleCommunityEventInput,
)
from api.graphql.events.types import load_event
from application.events.desk import EventDesk
from application.events.saving import EventChange
from domain.commands import Command
from domain.errors import DomainError
from domain.events import CommunityEventNotFound
from domain.events import commands as cmd

C = TypeVar("C", bound=Command)
S = TypeVar("S", bound=p.EventChanged)
Refused = ValidationFailed | NotFound | Conflict | Forbidden


async def _run(
    info: Info,
    action: str,
    build: Callable[[], C],
    handle: Callable[[EventDesk, C], EventChange],
    success: type[S],
) -> S | Refused:
    """Run an event command as an admin or manager; the success type, or a typed error."""
    if not info.context.principal.can_manage_events:
        return forbidden(action, MANAGE_EVENTS)
    desk = info.context.services.use_cases.events
    outcome = await attempt(build, partial(handle, desk), refused=_refused)
    if not isinstance(outcome, EventChange):
        return outcome
    return success(
        event=await load_event(info, outcome.event.id, outcome.position),
        event_id=strawberry.ID(str(outcome.event.id)),
        version=outcome.event.version,
        changed=outcome.changed,
    )


def _refused(error: DomainError) -> NotFound | ValidationFailed | Conflict:
    """An unknown event is NOT_FOUND naming it; the rest as every context types them."""
    if isinstance(error, CommunityEventNotFound):
        return NotFound(message=str(error), id=strawberry.ID(str(error.event_id)))
    return domain_error(error)


@strawberry.type
class EventMutation:
    """Mutations of community events."""

    @strawberry.mutation(description="Schedule a community event with its hosts (admin, manager).")
    async def schedule_community_event(
        self, info: Info, input: ScheduleCommunityEventInput
    ) -> p.ScheduleCommunityEventResult:
        def build() -> cmd.ScheduleCommunityEvent:
            return cmd.ScheduleCommunityEvent(
                title=input.title,
                kind=input.kind,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                channel=input.channel,
                place=input.place,
                host_ids=input.host_ids,
            )

        return await _run(
            info, "schedule events", build, EventDesk.schedule, p.CommunityEventScheduled
        )

    @strawberry.mutation(
        description="Move an event nobody checked in to yet to new times (admin, manager)."
    )
    async def reschedule_community_event(
        self, info: Info, input: RescheduleCommunityEventInput
    ) -> p.RescheduleCommunityEventResult:
        def build() -> cmd.RescheduleCommunityEvent:
            return cmd.RescheduleCommunityEvent(
                event_id=input.event_id,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                expected_version=input.expected_version,
            )

        return await _run(
            info, "reschedule events", build, EventDesk.reschedule, p.CommunityEventRescheduled
        )

    @strawberry.mutation(description="Register a member for an event (admin, manager).")
    async def register_for_event(
        self, info: Info, input: RegisterForEventInput
    ) -> p.RegisterForEventResult:
        def build() -> cmd.RegisterForEvent:
            return cmd.RegisterForEvent(
                event_id=input.event_id,
                member_id=input.member_id,
                registered_at=input.registered_at,
            )

        return await _run(
            info, "register members for events", build, EventDesk.register, p.RegisteredForEvent
        )

    @strawberry.mutation(
        description="Record that a member came to an event, and their attendance as an "
        "interaction (admin, manager)."
    )
    async def check_in_to_event(
        self, info: Info, input: CheckInToEventInput
    ) -> p.CheckInToEventResult:
        def build() -> cmd.CheckInToEvent:
            return cmd.CheckInToEvent(
                event_id=input.event_id,
                member_id=input.member_id,
                checked_in_at=input.checked_in_at,
            )

        return await _run(
            info, "check members in to events", build, EventDesk.check_in, p.CheckedInToEvent
        )

    @strawberry.mutation(
        description="Cancel an event nobody checked in to, saying why (admin, manager)."
    )
    async def cancel_community_event(
        self, info: Info, input: CancelCommunityEventInput
    ) -> p.CancelCommunityEventResult:
        def build() -> cmd.CancelCommunityEvent:
            return cmd.CancelCommunityEvent(
                event_id=input.event_id,
                reason=input.reason,
                expected_version=input.expected_version,
            )

        return await _run(info, "cancel events", build, EventDesk.cancel, p.CommunityEventCancelled)
