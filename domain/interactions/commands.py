"""Interaction commands: what a caller asks to record, validated before the domain sees it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Protocol
from uuid import UUID

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator

from domain.commands import Command, IdentityRef, refuse_numeric_time, require_timezone
from domain.interactions.interaction import InteractionKind
from domain.values import Channel

MAX_EXTERNAL_ID = 200
MAX_SUMMARY = 2000
MAX_URL = 2000


def _url(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) > MAX_URL or not value.startswith(("https://", "http://")):
        raise ValueError(f"must be an http(s) URL of at most {MAX_URL} characters")
    return value


class RecordInteraction(Command):
    """Record what a member did on a channel; the member is given by id or by identity."""

    member_id: UUID | None = None
    identity: IdentityRef | None = Field(default=None, validate_default=True)
    channel: Channel
    kind: InteractionKind
    occurred_at: Annotated[datetime, BeforeValidator(refuse_numeric_time)]
    external_id: Annotated[str, Field(min_length=1, max_length=MAX_EXTERNAL_ID)]
    thread_ref: Annotated[str | None, Field(max_length=MAX_EXTERNAL_ID)] = None
    url: Annotated[str | None, AfterValidator(_url)] = None
    summary: Annotated[str | None, Field(max_length=MAX_SUMMARY)] = None

    @field_validator("occurred_at")
    @classmethod
    def _occurred_at_is_aware(cls, value: datetime) -> datetime:
        aware = require_timezone(value)
        assert aware is not None
        return aware

    @field_validator("identity")
    @classmethod
    def _one_member_reference(
        cls, value: IdentityRef | None, info: ValidationInfo
    ) -> IdentityRef | None:
        if "member_id" in info.data and (info.data["member_id"] is None) == (value is None):
            raise ValueError("give exactly one of memberId and identity")
        return value


class IdentityFields(Protocol):
    """A handle on one channel, as a record to ingest names it."""

    @property
    def channel(self) -> Channel:
        """The channel of the handle."""
        ...

    @property
    def handle(self) -> str:
        """The handle, trimmed and checked."""
        ...


class InteractionFields(Protocol):
    """What recording reads of a validated record: RecordInteraction, or the compiled
    decoder's record of the same fields (bulk ingestion)."""

    @property
    def member_id(self) -> UUID | None:
        """The member, when given by id."""
        ...

    @property
    def identity(self) -> IdentityFields | None:
        """The member, when given by a handle."""
        ...

    @property
    def channel(self) -> Channel:
        """Where it happened."""
        ...

    @property
    def kind(self) -> InteractionKind:
        """What the member did."""
        ...

    @property
    def occurred_at(self) -> datetime:
        """When, with a timezone."""
        ...

    @property
    def external_id(self) -> str:
        """The source's id of it: recorded once per channel."""
        ...

    @property
    def thread_ref(self) -> str | None:
        """The thread it belongs to, if any."""
        ...

    @property
    def url(self) -> str | None:
        """A link to it (personal data)."""
        ...

    @property
    def summary(self) -> str | None:
        """What it said, in short (personal data)."""
        ...
