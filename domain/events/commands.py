"""Community event commands: what a caller asks, validated before the domain sees it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BeforeValidator, Field

from domain.commands import AwareDatetime, Command, refuse_numeric_time, require_timezone
from domain.events.community_event import EventKind
from domain.texts import check_free_text
from domain.values import Channel

MAX_TITLE = 200
MAX_PLACE = 300
MAX_REASON = 1000
MAX_HOSTS = 20


def _title(value: str) -> str:
    return check_free_text(value, "title", MAX_TITLE)


def _place(value: str | None) -> str | None:
    return None if value is None else check_free_text(value, "place", MAX_PLACE)


def _reason(value: str) -> str:
    return check_free_text(value, "reason", MAX_REASON)


def _aware(value: datetime) -> datetime:
    aware = require_timezone(value)
    assert aware is not None
    return aware


Moment = Annotated[datetime, BeforeValidator(refuse_numeric_time), AfterValidator(_aware)]


class ScheduleCommunityEvent(Command):
    """Schedule an event: what, when, where (a channel, a place or both), and who hosts it."""

    title: Annotated[str, AfterValidator(_title)]
    kind: EventKind
    starts_at: Moment
    ends_at: Moment
    channel: Channel | None = None
    place: Annotated[str | None, AfterValidator(_place)] = None
    host_ids: Annotated[list[UUID], Field(max_length=MAX_HOSTS)] = []


class EventCommand(Command):
    """A command addressed to one existing event."""

    event_id: UUID
    expected_version: int | None = Field(default=None, ge=1)


class RescheduleCommunityEvent(EventCommand):
    """Move the event to new times (until someone checked in)."""

    starts_at: Moment
    ends_at: Moment


class RegisterForEvent(EventCommand):
    """Register a member for the event; at a past moment for ones recorded late."""

    member_id: UUID
    registered_at: AwareDatetime = None


class CheckInToEvent(EventCommand):
    """Record that a member came (registering them too if they had not)."""

    member_id: UUID
    checked_in_at: AwareDatetime = None


class CancelCommunityEvent(EventCommand):
    """Call the event off, saying why."""

    reason: Annotated[str, AfterValidator(_reason)]
