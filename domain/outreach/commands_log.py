"""Outreach log commands: what a caller asks, validated before the domain sees it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator

from domain.commands import AwareDatetime, Command
from domain.outreach.outreach import OutreachPurpose
from domain.texts import check_free_text
from domain.values import Channel

MAX_NOTE = 5000


def _note(value: str | None) -> str | None:
    return None if value is None else check_free_text(value, "note", MAX_NOTE)


Note = Annotated[str | None, AfterValidator(_note)]


class RecordOutreach(Command):
    """A staff member reached out to a member (at: default now; never in the future)."""

    member_id: UUID
    staff_id: UUID
    channel: Channel
    purpose: OutreachPurpose
    note: Note = None
    at: AwareDatetime = None
