"""The commands' kernel: the Command base, aware times and identity references of all contexts."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, field_validator

from domain.values import Channel, check_handle

_ISO_DATE_START = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")
EXAMPLE_TIME = "2024-05-01T10:00:00Z"


def refuse_numeric_time(value: Any) -> Any:
    """Let through only what reads as an ISO 8601 time (pydantic would take numbers too)."""
    # pydantic would read 1714557600 (or "1714557600") as seconds since 1970: a unit that
    # cannot be told from milliseconds, and without the zone the README asks for.
    if isinstance(value, str) and not _ISO_DATE_START.match(value.strip()):
        raise ValueError(f"must be an ISO 8601 time with a timezone, e.g. {EXAMPLE_TIME}")
    if isinstance(value, int | float):
        raise ValueError(
            f"must be an ISO 8601 time with a timezone, e.g. {EXAMPLE_TIME}, not a number"
        )
    return value


def require_timezone(value: datetime | None) -> datetime | None:
    """Refuse a naive time: which zone the caller meant cannot be guessed."""
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"must include a timezone offset, e.g. {EXAMPLE_TIME}")
    return value


Handle = Annotated[str, AfterValidator(check_handle)]
AwareDatetime = Annotated[
    datetime | None, BeforeValidator(refuse_numeric_time), AfterValidator(require_timezone)
]


class Command(BaseModel):
    """Base of commands: immutable, and unknown fields are an error, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text and jsonb cannot hold NUL: such an event would stall the projections.
        if _has_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


class IdentityRef(Command):
    """A member's handle on one channel."""

    channel: Channel
    handle: Handle


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False
