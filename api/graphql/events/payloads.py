"""Success types and named result unions of the community event mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.graphql.events.types import CommunityEvent


@strawberry.type
class EventChanged:
    """Base of the success types: the event after the change (not in the schema)."""

    event: CommunityEvent | None = strawberry.field(
        description="The event after the change (read your write); null only when the read "
        "model lags past the read-your-writes timeout."
    )
    event_id: strawberry.ID = strawberry.field(description="The event's id.")
    version: int = strawberry.field(
        description="The event's version after the change; pass as expectedVersion."
    )
    changed: bool = strawberry.field(
        description="False when nothing was recorded: registered or checked in already."
    )


def _result(name: str) -> Any:
    """A named result union; clients switch on __typename."""
    return strawberry.union(
        name, description="The success type, or the typed error that explains the refusal."
    )


@strawberry.type(description="The event is scheduled.")
class CommunityEventScheduled(EventChanged):
    pass


@strawberry.type(description="The event has new times.")
class CommunityEventRescheduled(EventChanged):
    pass


@strawberry.type(description="The member is registered (or already was: changed is false).")
class RegisteredForEvent(EventChanged):
    pass


@strawberry.type(
    description="The member's check-in is recorded, with their attendance as an interaction "
    "(or already was: changed is false)."
)
class CheckedInToEvent(EventChanged):
    pass


@strawberry.type(description="The event is cancelled.")
class CommunityEventCancelled(EventChanged):
    pass


Errors = ValidationFailed | NotFound | Conflict | Forbidden

ScheduleCommunityEventResult = Annotated[
    CommunityEventScheduled | Errors, _result("ScheduleCommunityEventResult")
]
RescheduleCommunityEventResult = Annotated[
    CommunityEventRescheduled | Errors, _result("RescheduleCommunityEventResult")
]
RegisterForEventResult = Annotated[RegisteredForEvent | Errors, _result("RegisterForEventResult")]
CheckInToEventResult = Annotated[CheckedInToEvent | Errors, _result("CheckInToEventResult")]
CancelCommunityEventResult = Annotated[
    CommunityEventCancelled | Errors, _result("CancelCommunityEventResult")
]
