"""Motivation commands: why a member joined, validated before the domain sees it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, Field

from domain.commands import AwareDatetime, Command
from domain.outreach.motivation import MAX_OPTIONS
from domain.texts import check_free_text

MAX_MOTIVATION_TEXT = 2000


def _text(value: str | None) -> str | None:
    return None if value is None else check_free_text(value, "text", MAX_MOTIVATION_TEXT)


MotivationText = Annotated[str | None, AfterValidator(_text)]


class RecordMemberMotivation(Command):
    """Record why a member joined: options from the configured list, and/or their words."""

    member_id: UUID
    recorded_by: UUID
    options: list[str] = Field(default_factory=list, max_length=MAX_OPTIONS)
    text: MotivationText = None
    at: AwareDatetime = None
