"""Rules for what people write and link to, shared by the contexts' commands."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from domain.values import DIRECTION_CONTROLS

MAX_URL = 2000
# Line breaks and tabs belong in what people write; other control characters do not.
_TEXT_CONTROLS_ALLOWED = frozenset("\n\r\t")


def check_free_text(value: str, what: str, limit: int) -> str:
    """Text as a person wrote it (NFC), not empty, without hidden controls, within `limit`."""
    text = unicodedata.normalize("NFC", value)
    for char in text:
        if char in DIRECTION_CONTROLS:
            raise ValueError(
                f"{what} must not contain the invisible direction control U+{ord(char):04X}"
            )
        if unicodedata.category(char) in ("Cc", "Cs") and char not in _TEXT_CONTROLS_ALLOWED:
            raise ValueError(f"{what} must not contain the control character U+{ord(char):04X}")
    if not text.strip():
        raise ValueError(f"{what} must not be empty")
    if len(text) > limit:
        raise ValueError(f"{what} must be at most {limit} characters")
    return text


def check_http_url(value: str) -> str:
    """An absolute http(s) URL with a host; anything else (javascript:, ftp:) is refused."""
    if len(value) > MAX_URL:
        raise ValueError(f"must be at most {MAX_URL} characters")
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (an out-of-range port raises here)
    except ValueError:
        raise ValueError("must be an http(s) URL, e.g. https://example.org/x") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL with a host, e.g. https://example.org/x")
    return value
