"""Discourse's admin "Export user list" CSV: one PlatformUser per row.

The export (Discourse's `export_csv_file.rb`) writes `id, name, username, email, title,
created_at, …, trust_level, …, admin, moderator, …, post_count, likes_given, likes_received,
…, group_names`, comma-separated, the group names joined by `;` in their one column (which is
left off when the user is in no group), and text holding a comma wrapped in literal quotes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from application.importers.fields import Invalid, handle, parse_time
from application.importers.streams import csv_rows, header_key, header_row, open_text, rows_read
from domain.importers.records import ImportRecord, Malformed, PlatformUser, Position
from domain.values import Channel

REQUIRED = ("id", "username")
# Discourse's automatic groups of its staff: anyone in them speaks for the community's owners.
STAFF_GROUPS = frozenset({"staff", "admins", "moderators"})
# Discourse's own accounts (system is user -1, discobot -2: all its built-in users are negative).
BOT_NAMES = frozenset({"system", "discobot"})
TRUST_LEVEL = "discourse.trust_level"
TRUST_LEVELS = range(5)


def parse_user_list(path: Path) -> Iterator[ImportRecord]:
    """The users of one user-list CSV, a Malformed for each row that cannot be read."""
    with open_text(path) as text:
        rows = csv_rows(text)
        header = header_row(rows, path)
        if isinstance(header, Malformed):
            yield header
            return
        columns = _columns(header.cells)
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            found = ", ".join(header.cells)
            reason = f"not a Discourse user list: no {' or '.join(missing)} column in {found}"
            yield Malformed(Position(str(path), "line 1"), reason)
            return
        yield from rows_read(rows, path, columns, user_of)


def user_of(fields: dict[str, str], at: Position) -> PlatformUser:
    """One row's user (fields by header key), or Invalid naming the field that is wrong."""
    user_id = _number(fields.get("id", ""), "id")
    username = fields.get("username", "")
    if not username:
        raise Invalid("username is empty")
    groups = {group.strip().lower() for group in _unquoted(fields.get("groupnames")).split(";")}
    staff = _true(fields.get("admin")) or _true(fields.get("moderator"))
    created = fields.get("createdat")
    return PlatformUser(
        channel=Channel.DISCOURSE,
        user_id=str(user_id),
        handle=handle(username, "username"),
        display_name=_unquoted(fields.get("name")) or None,
        at=at,
        email=_address(fields.get("email")),
        is_bot=user_id < 0 or username.lower() in BOT_NAMES,
        is_staff=staff or bool(groups & STAFF_GROUPS),
        joined_at=parse_time(created, "created_at") if created else None,
        attributes=trust_level(fields.get("trustlevel")),
    )


def trust_level(value: object) -> tuple[tuple[str, int], ...]:
    """The trust level as a member attribute: none when not given, Invalid when not 0 to 4."""
    if value is None or value == "":
        return ()
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Invalid(f"trust_level {value!r} is not a number from 0 to 4")
    level = _number(str(value), "trust_level")
    if level not in TRUST_LEVELS:
        raise Invalid(f"trust_level {level} is not a number from 0 to 4")
    return ((TRUST_LEVEL, level),)


def _columns(headers: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(headers):
        columns.setdefault(header_key(name), index)
    return columns


def _number(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Invalid(f"{what} {value[:40]!r} is not a whole number") from None


def _address(value: str | None) -> str | None:
    """The e-mail address; Discourse writes `no_email` for its own accounts."""
    return value if value and "@" in value else None


def _true(value: str | None) -> bool:
    return (value or "").lower() in ("true", "t", "1")


def _unquoted(value: str | None) -> str:
    """The text without the literal quotes Discourse wraps around text holding a comma."""
    text = (value or "").strip()
    return text[1:-1].strip() if len(text) >= 2 and text[0] == text[-1] == '"' else text
