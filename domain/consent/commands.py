"""Consent commands and the validated values they share with the members context."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator

from domain.commands import Command
from domain.consent.purposes import (
    MAX_NOTE,
    MAX_TEXT,
    ConsentPurpose,
    check_free_text,
    check_version,
)


def _text(value: str) -> str:
    return check_free_text(value, "text", MAX_TEXT)


def _note(value: str | None) -> str | None:
    return None if value is None else check_free_text(value, "note", MAX_NOTE)


Version = Annotated[str, AfterValidator(check_version)]
Note = Annotated[str | None, AfterValidator(_note)]


class RegisterConsentText(Command):
    """Register a version of the wording members are shown when asked consent to a purpose."""

    purpose: ConsentPurpose
    version: Version
    text: Annotated[str, AfterValidator(_text)]
    registered_by: UUID | None = None
