"""What consent is asked for, where it came from, and how consent texts are named."""

from __future__ import annotations

import re
from enum import StrEnum

from domain.values import DIRECTION_CONTROLS

# A consent text's version: a short label such as "2024-05" or "v3.1".
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")
MAX_TEXT = 20_000
MAX_NOTE = 2_000
# Line breaks and tabs belong in what people write; other control characters do not.
_ALLOWED_CONTROLS = frozenset("\n\r\t")


class ConsentPurpose(StrEnum):
    """What the member agrees to; stored lower-case, by value, in events and read models."""

    MARKETING_EMAIL = "marketing_email"
    PUBLIC_LISTING = "public_listing"
    CASE_STUDY = "case_study"


class ConsentSource(StrEnum):
    """Where the member's answer came from: a form they filled in, an import of earlier
    records, or staff recording what the member asked for (by mail, in person...)."""

    FORM = "form"
    IMPORT = "import"
    STAFF = "staff"


def check_version(value: str) -> str:
    """A text version label: letters, digits, dot, dash, underscore; at most 50 characters."""
    if not VERSION_PATTERN.match(value):
        raise ValueError(
            "must be 1-50 letters, digits, '.', '-' or '_', starting with a letter or digit"
        )
    return value


def check_free_text(value: str, what: str, limit: int) -> str:
    """Free text as people write it: not blank, no invisible or control characters."""
    for char in value:
        if char in DIRECTION_CONTROLS:
            raise ValueError(
                f"{what} must not contain the invisible direction control U+{ord(char):04X}"
            )
        if (char < " " or "\x7f" <= char < "\xa0") and char not in _ALLOWED_CONTROLS:
            raise ValueError(f"{what} must not contain the control character U+{ord(char):04X}")
        if "\ud800" <= char <= "\udfff":
            raise ValueError(f"{what} must not contain a lone surrogate")
    if not value.strip():
        raise ValueError(f"{what} must not be empty")
    if len(value) > limit:
        raise ValueError(f"{what} must be at most {limit} characters")
    return value
