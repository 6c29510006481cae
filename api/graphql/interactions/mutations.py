"""Engagement mutations: recording an interaction."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry
from pydantic import ValidationError

from api.graphql.context import Info
from api.graphql.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    ValidationFailed,
    camel,
    forbidden,
    validation_failed,
)
from api.graphql.interactions.inputs import RecordInteractionInput
from api.graphql.interactions.types import Interaction, interaction_from_row
from api.graphql.members import WRITE_ROLES
from api.services import Services, in_thread
from application.interactions.recording import (
    DUPLICATE,
    IDENTITY_NOT_FOUND,
    MEMBER_ERASED,
    MEMBER_NOT_FOUND,
    REJECTED,
    IngestReport,
    Rejection,
)
from domain.interactions.commands import RecordInteraction
from projections.interactions.projection import EngagementProjection


@strawberry.type(description="The interaction is recorded (now, or already before).")
class InteractionRecorded:
    interaction: Interaction = strawberry.field(description="The interaction as stored.")
    duplicate: bool = strawberry.field(
        description="True when this (channel, externalId) was already recorded: nothing changed."
    )
    member_created: bool = strawberry.field(description="True when a new member was recorded.")
    position: str | None = strawberry.field(
        default=None,
        description="A position in the community's ordered log at or after this write (a"
        " notification id, as a string since it outgrows a 32-bit Int): the last event of"
        " the batch it was written in. Null for a duplicate.",
    )


RecordInteractionResult = Annotated[
    InteractionRecorded | ValidationFailed | NotFound | Conflict | Forbidden,
    strawberry.union(
        "RecordInteractionResult",
        description="The success type, or the typed error that explains the refusal.",
    ),
]


@strawberry.type
class EngagementMutation:
    """Mutations of the engagement context."""

    @strawberry.mutation(description="Record what a member did; idempotent per externalId.")
    async def record_interaction(
        self, info: Info, input: RecordInteractionInput
    ) -> RecordInteractionResult:
        principal = info.context.principal
        if not principal.can_write_members:
            return forbidden("record interactions", WRITE_ROLES)
        try:
            command = _command(input)
        except ValidationError as error:
            return validation_failed(error)
        services = info.context.services
        queue = services.interaction_queue
        assert queue is not None
        # Written with the other callers' records of the moment, in one transaction.
        queued = queue.record(command, create_unknown_members=input.create_member_if_unknown)
        report = await asyncio.wrap_future(queued)
        if report.outcomes[0] == REJECTED:
            return _refusal(report.rejections[0], _looked_up(command))
        reveal = principal.can_read_personal_data
        duplicate = report.outcomes[0] == DUPLICATE
        # Recorded now: answered as written, from the command, without waiting for the
        # engagement view. A duplicate is answered as it was first stored.
        row = await in_thread(_stored, services, report, reveal) if duplicate else None
        return InteractionRecorded(
            interaction=interaction_from_row(row or _as_recorded(command, report), reveal),
            duplicate=duplicate,
            member_created=report.created_members > 0,
            position=None if duplicate or report.position is None else str(report.position),
        )


def _command(input: RecordInteractionInput) -> RecordInteraction:
    identity = input.identity
    return RecordInteraction(
        member_id=input.member_id,
        identity={"channel": identity.channel, "handle": identity.handle} if identity else None,
        channel=input.channel,
        kind=input.kind,
        occurred_at=input.occurred_at,
        external_id=input.external_id,
        thread_ref=input.thread_ref,
        url=input.url,
        summary=input.summary,
    )


def _looked_up(command: RecordInteraction) -> str:
    """How the command named its member: an id, or channel:handle."""
    if command.identity is not None:
        return f"{command.identity.channel.value}:{command.identity.handle}"
    return str(command.member_id)


def _stored(services: Services, report: IngestReport, reveal: bool) -> dict[str, Any] | None:
    """The interaction as projected, once the projection includes it (read your write)."""
    interaction_id = report.interaction_ids[0]
    # A duplicate may itself still be on its way to the projection: wait for the head.
    position = report.position or services.community.recorder.max_notification_id()
    if not services.wait_for(EngagementProjection.name, position):
        return None
    return services.engagement.interaction(interaction_id, reveal) if interaction_id else None


def _as_recorded(command: RecordInteraction, report: IngestReport) -> dict[str, Any]:
    """The interaction from the command, when the projection did not catch up in time."""
    return {
        "interaction_id": report.interaction_ids[0],
        "member_id": report.member_ids[0],
        "channel": command.channel.value,
        "kind": command.kind.value,
        "occurred_at": command.occurred_at,
        "external_id": command.external_id,
        "thread_ref": command.thread_ref,
        "url": command.url,
        "summary": command.summary,
    }


def _refusal(rejection: Rejection, looked_up: str) -> NotFound | Conflict | ValidationFailed:
    if rejection.code in (MEMBER_NOT_FOUND, IDENTITY_NOT_FOUND):
        return NotFound(message=rejection.reason, id=strawberry.ID(looked_up))
    if rejection.code == MEMBER_ERASED:
        return Conflict(message=rejection.reason, code=MEMBER_ERASED)
    field = FieldError(
        field=camel(rejection.field), message=rejection.reason, code=rejection.code.lower()
    )
    return ValidationFailed(message=f"invalid input: {rejection.reason}", field_errors=[field])
