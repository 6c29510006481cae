"""Reading one field of a platform record, refusing it with a specific reason when it is wrong.

Every helper raises `Invalid` naming the field and what was wrong with it; a parser turns that
into a Malformed record at the record's position.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.interactions.commands import MAX_EXTERNAL_ID, MAX_SUMMARY, MAX_URL
from domain.values import MAX_HANDLE_LENGTH

# Dates as attendee and user-list files write them, tried after ISO 8601. A time without a
# zone is taken as UTC: the files give none, and a day's attendance does not move by it.
_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y")


class Invalid(ValueError):
    """A field of a record is missing or wrong; the message says which and why."""


def as_object(value: Any, what: str) -> dict[str, Any]:
    """`value` as a JSON object, else Invalid."""
    if not isinstance(value, dict):
        raise Invalid(f"{what} is not an object but {_kind(value)}")
    return value


def platform_id(record: dict[str, Any], key: str, what: str = "") -> str:
    """A platform id (a number or a non-empty string) as text."""
    value = record.get(key)
    name = what or key
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        raise Invalid(f"{name} is missing" if value in (None, "") else f"{name} is {_kind(value)}")
    text = str(value).strip()
    if not text or len(text) > MAX_EXTERNAL_ID // 2:
        raise Invalid(f"{name} {text[:40]!r} is not an id")
    return text


def integer(record: dict[str, Any], key: str) -> int:
    """A whole number field."""
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{key} is missing" if value is None else f"{key} is {_kind(value)}")
    return value


def text(record: dict[str, Any], key: str) -> str:
    """A non-empty string field, stripped."""
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{key} is missing" if value in (None, "") else f"{key} is {_kind(value)}")
    return value.strip()


def optional_text(record: dict[str, Any], key: str) -> str | None:
    """A string field, or None when absent, empty or not a string."""
    value = record.get(key)
    return value.strip() or None if isinstance(value, str) else None


def handle(value: str, what: str) -> str:
    """A handle within the length members accept."""
    if len(value) > MAX_HANDLE_LENGTH:
        raise Invalid(f"{what} is longer than {MAX_HANDLE_LENGTH} characters")
    return value


def summary(value: str | None) -> str | None:
    """A summary cut to the length interactions accept."""
    return value[: MAX_SUMMARY - 1] + "…" if value and len(value) > MAX_SUMMARY else value


def web_url(value: Any) -> str | None:
    """An http(s) URL interactions accept, else None (a link is a nicety, never a refusal)."""
    ok = isinstance(value, str) and value.startswith(("https://", "http://"))
    return value if ok and len(value) <= MAX_URL else None


def time_field(record: dict[str, Any], key: str) -> datetime:
    """A required time field."""
    return parse_time(text(record, key), key)


def parse_time(value: str, what: str) -> datetime:
    """A time as exports write it, timezone-aware; Invalid naming `what` otherwise."""
    raw = value.strip()
    if raw.endswith(" UTC"):  # Ruby's Time#to_s, as Discourse's CSV export writes it
        raw = raw[:-4] + "+00:00"
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        parsed = _formatted(raw, what)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _formatted(raw: str, what: str) -> datetime:
    for pattern in _FORMATS:
        try:
            return datetime.strptime(raw, pattern)
        except ValueError:
            continue
    raise Invalid(f"{what} {raw[:40]!r} is not a date and time")


def _kind(value: Any) -> str:
    if isinstance(value, bool | int | float):
        return f"the {type(value).__name__} {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, dict):
        return "an object"
    return "an array" if isinstance(value, list) else "null"
