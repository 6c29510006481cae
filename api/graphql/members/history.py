"""A member's history as GraphQL shows it: one typed entry per stored member event."""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from domain.members.member import Member as MemberAggregate


def _screaming(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


_EVENT_CLASSES = [
    value
    for value in vars(MemberAggregate).values()
    if isinstance(value, type)
    and issubclass(value, MemberAggregate.Event)
    and "TOPIC" in vars(value)
    and value.__name__ not in ("Created",)
]
# Its members come from the event classes, so mypy cannot list them (hence the ignore).
MemberEventType = Enum(  # type: ignore[misc]
    "MemberEventType", {_screaming(c.__name__): c.__name__ for c in _EVENT_CLASSES}
)
strawberry.enum(
    MemberEventType,
    name="MemberEventType",
    description="What happened to a member, one value per kind of member event.",
)


@strawberry.type(description="One event in a member's history: the audit trail.")
class MemberEvent:
    version: int = strawberry.field(description="Position in the member's stream, from 1.")
    type: MemberEventType = strawberry.field(description="What happened.")
    recorded_at: datetime = strawberry.field(description="When it was recorded.")
    data: JSON = strawberry.field(
        description="The event's fields. Personal fields are null when erased or hidden."
    )


# A consent answer is personal data as a whole (what the person agreed to): roles that may
# not read personal data see that one was recorded, and nothing of it.
_WHOLLY_PERSONAL = (MemberAggregate.ConsentGiven, MemberAggregate.ConsentWithdrawn)


def member_event(event: Any, reveal: bool) -> MemberEvent:
    """The event as an entry of the audit trail; personal fields null unless `reveal`."""
    hidden = set(type(event).PERSONAL_FIELDS) if not reveal else set()
    if not reveal and isinstance(event, _WHOLLY_PERSONAL):
        hidden = set(vars(event))
    data = {
        key: None if key in hidden else value
        for key, value in vars(event).items()
        if key not in ("originator_id", "originator_version", "timestamp", "originator_topic")
    }
    return MemberEvent(
        version=event.originator_version,
        type=MemberEventType[_screaming(type(event).__name__)],
        recorded_at=event.timestamp,
        data=JSON(data),
    )
