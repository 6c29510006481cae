"""Value rules shared by commands and events: channels, handles, tags, attributes."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    """Where a community member can be found; stored by value in events."""

    DISCORD = "discord"
    SLACK = "slack"
    GITHUB = "github"
    GITLAB = "gitlab"
    DISCOURSE = "discourse"
    FORUM = "forum"
    EMAIL = "email"
    MEETUP = "meetup"
    TWITTER = "twitter"
    LINKEDIN = "linkedin"
    REDDIT = "reddit"
    YOUTUBE = "youtube"
    TELEGRAM = "telegram"
    WEBSITE = "website"
    OTHER = "other"


MAX_HANDLE_LENGTH = 200
MAX_TAG_LENGTH = 50
MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_KEY_LENGTH = 64
MAX_ATTRIBUTE_VALUE_LENGTH = 1000

_TAG = re.compile(r"^[a-z0-9][a-z0-9_\-:.]*$")
_ATTRIBUTE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")

AttributeValue = str | int | float | bool

# Invisible characters that reorder or mark the direction of the text around them: with
# them "gpj.exe" can be made to look like another name in every view. Right-to-left
# scripts (Arabic, Hebrew) need none of them to be written and shown.
DIRECTION_CONTROLS = frozenset(
    [
        "\u061c",  # Arabic letter mark
        "\u200e",  # left-to-right mark
        "\u200f",  # right-to-left mark
        *map(chr, range(0x202A, 0x202F)),  # embeddings, pop, overrides
        *map(chr, range(0x2066, 0x206A)),  # isolates
    ]
)
# Control characters, lone surrogates, and line or paragraph separators: none belongs in
# a name or a handle, and some break terminals, CSV exports or encoding.
_CONTROL_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def check_plain_text(value: str, what: str) -> str:
    """The text in NFC, refusing control and direction-control characters.

    NFC makes "é" typed as e + combining accent and "é" typed as one character the same
    name and the same handle.
    """
    text = unicodedata.normalize("NFC", value)
    for char in text:
        if char in DIRECTION_CONTROLS:
            raise ValueError(
                f"{what} must not contain the invisible direction control U+{ord(char):04X}"
            )
        if unicodedata.category(char) in _CONTROL_CATEGORIES:
            raise ValueError(f"{what} must not contain the control character U+{ord(char):04X}")
    return text


def normalise_handle(handle: str) -> str:
    """The form a handle is compared in: platforms treat handles case-insensitively."""
    return handle.strip().removeprefix("@").casefold()


def check_handle(handle: str) -> str:
    """Trim a handle, in NFC, and refuse an empty, oversized or spoofing one."""
    cleaned = check_plain_text(handle, "handle").strip()
    if not normalise_handle(cleaned):
        raise ValueError("handle must not be empty")
    if len(cleaned) > MAX_HANDLE_LENGTH:
        raise ValueError(f"handle must be at most {MAX_HANDLE_LENGTH} characters")
    return cleaned


def check_held_handle(handle: str) -> str:
    """A handle naming one already held: trimmed and bounded, but taken as it was stored.

    Handles linked before names and handles were cleaned may hold characters refused
    now; unlinking must still reach them.
    """
    cleaned = handle.strip()
    if not normalise_handle(cleaned):
        raise ValueError("handle must not be empty")
    if len(cleaned) > MAX_HANDLE_LENGTH:
        raise ValueError(f"handle must be at most {MAX_HANDLE_LENGTH} characters")
    return cleaned


def same_handle(one: str, other: str) -> bool:
    """Whether two handles are the same, case, @ and Unicode composition aside."""
    return normalise_handle(unicodedata.normalize("NFC", one)) == normalise_handle(
        unicodedata.normalize("NFC", other)
    )


def check_tag(tag: str) -> str:
    """Tags are lower-case slugs so that 'Speaker' and 'speaker' are one tag."""
    cleaned = tag.strip().lower()
    if not cleaned:
        raise ValueError("tag must not be empty")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise ValueError(f"tag must be at most {MAX_TAG_LENGTH} characters")
    if not _TAG.match(cleaned):
        raise ValueError(
            "tag may hold only letters, digits and - _ : . and must start with a letter or digit"
        )
    return cleaned


def check_attribute_key(key: str) -> str:
    """Attribute keys are short identifiers, so exports and filters can rely on them."""
    if not _ATTRIBUTE_KEY.match(key) or len(key) > MAX_ATTRIBUTE_KEY_LENGTH:
        raise ValueError(
            f"attribute key {key!r} must start with a letter, hold only letters, digits"
            f" and . _ -, and be at most {MAX_ATTRIBUTE_KEY_LENGTH} characters"
        )
    return key


def check_attribute_value(key: str, value: Any) -> AttributeValue:
    """Attribute values are scalars: nested data belongs in its own events."""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        if len(value) > MAX_ATTRIBUTE_VALUE_LENGTH:
            raise ValueError(
                f"attribute {key!r} must be at most {MAX_ATTRIBUTE_VALUE_LENGTH} characters"
            )
        return value
    raise ValueError(f"attribute {key!r} must be a string, number or boolean")


def check_attributes(attributes: dict[str, Any], *, allow_null: bool) -> dict[str, Any]:
    """Validate a map of attributes; with allow_null, a null value means 'remove'."""
    if len(attributes) > MAX_ATTRIBUTES:
        raise ValueError(f"at most {MAX_ATTRIBUTES} attributes are allowed")
    checked: dict[str, Any] = {}
    for key, value in attributes.items():
        check_attribute_key(key)
        if value is None and allow_null:
            checked[key] = None
        else:
            checked[key] = check_attribute_value(key, value)
    return checked


def merge_attributes(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Apply a merge patch: keys with null are removed, others set (RFC 7386 for one level)."""
    merged = dict(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
