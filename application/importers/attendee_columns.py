"""The columns attendee files have, under the names Meetup, Luma and hand-made lists give them.

Header names are compared with case, spaces, punctuation and any byte-order mark ignored
(`header_key`), so "E-mail Address", "email_address" and "EmailAddress" are one column.
"""

from __future__ import annotations

from enum import StrEnum

from application.importers.streams import header_key


class Column(StrEnum):
    """What a column of an attendee file holds."""

    ID = "id"
    NAME = "name"
    FIRST_NAME = "first name"
    LAST_NAME = "last name"
    EMAIL = "email"
    REGISTERED_AT = "registered at"
    CHECKED_IN_AT = "checked in at"
    ATTENDED = "attended"
    RSVP = "rsvp"
    HOST = "host"
    ROLE = "role"


ALIASES: dict[Column, tuple[str, ...]] = {
    Column.ID: ("id", "member id", "user id", "attendee id", "guest id", "api_id", "attendee #"),
    Column.NAME: ("name", "full name", "attendee name", "guest name", "member name"),
    Column.FIRST_NAME: ("first name", "given name", "first"),
    Column.LAST_NAME: ("last name", "surname", "family name", "last"),
    Column.EMAIL: ("email", "email address", "attendee email", "guest email", "mail"),
    Column.REGISTERED_AT: (
        "registered_at",
        "registered on",
        "registration date",
        "date registered",
        "rsvp_date",
        "rsvped on",
        "created_at",
        "order date",
        "signed up at",
    ),
    Column.CHECKED_IN_AT: ("checked_in_at", "checked in on", "check-in time", "check in at"),
    Column.ATTENDED: ("attended", "checked in", "check-in", "present", "showed up"),
    Column.RSVP: (
        "rsvp",
        "rsvp status",
        "approval_status",
        "status",
        "response",
        "registration status",
    ),
    Column.HOST: ("host", "is host", "event host", "organizer"),
    Column.ROLE: ("role", "ticket name", "ticket type"),
}
BY_KEY = {header_key(alias): column for column, names in ALIASES.items() for alias in names}
# The header Meetup's export has and Luma's lacks (Luma writes approval_status).
MEETUP_MARK = "rsvp"


def map_headers(headers: list[str]) -> dict[Column, int]:
    """Each known column's place in the header row (the first one, when named twice)."""
    columns: dict[Column, int] = {}
    for index, name in enumerate(headers):
        column = BY_KEY.get(header_key(name))
        if column is not None:
            columns.setdefault(column, index)
    return columns


def accepted_names() -> str:
    """The header names a file must have one of, for the report of a file without them."""
    names = ALIASES[Column.NAME] + ALIASES[Column.FIRST_NAME] + ALIASES[Column.EMAIL]
    return ", ".join(names)
