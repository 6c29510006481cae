"""One attendee row, its cells by column, read into an Attendance (or refused, saying why)."""

from __future__ import annotations

from datetime import datetime

from application.importers.attendee_columns import Column
from application.importers.fields import Invalid, parse_time
from domain.importers.records import Attendance, Position, Rsvp, Skipped
from domain.values import Channel

YES = frozenset({"yes", "y", "true", "1", "x", "✓", "✔", "checkedin", "attended", "present"})
NO = frozenset({"no", "n", "false", "0", "", "notcheckedin", "absent", "noshow"})
RSVPS = {
    **dict.fromkeys(("", "yes", "going", "approved", "attending", "registered"), Rsvp.GOING),
    **dict.fromkeys(("confirmed", "accepted", "checkedin", "attended"), Rsvp.GOING),
    **dict.fromkeys(("no", "notgoing", "declined", "rejected", "cancelled"), Rsvp.DECLINED),
    **dict.fromkeys(("canceled", "refunded"), Rsvp.DECLINED),
    **dict.fromkeys(("waitlist", "waitlisted", "waiting", "pending"), Rsvp.WAITLISTED),
    **dict.fromkeys(("pendingapproval", "onwaitlist"), Rsvp.WAITLISTED),
}
NEVER_ANSWERED = frozenset({"invited"})
HOST_ROLES = frozenset({"host", "cohost", "organizer", "organiser", "eventhost"})


def attendance_of(
    values: dict[Column, str], at: Position, *, channel: Channel
) -> Attendance | Skipped:
    """The row's attendance; Invalid naming the cell that is wrong."""
    email = values.get(Column.EMAIL) or None
    if email is not None and "@" not in email:
        raise Invalid(f"email {email[:60]!r} is not an e-mail address")
    full = " ".join(filter(None, (values.get(Column.FIRST_NAME), values.get(Column.LAST_NAME))))
    name = " ".join((values.get(Column.NAME) or full or email or "").split()) or None
    platform_id = values.get(Column.ID) or None
    if name is None:
        raise Invalid("no name, e-mail or id")
    answer = _key(values.get(Column.RSVP, ""))
    if answer in NEVER_ANSWERED:
        return Skipped(at, f"{name!r} was invited and never answered")
    if answer not in RSVPS:
        raise Invalid(f"RSVP {values[Column.RSVP][:40]!r} is not yes, no or waitlist")
    checked_in_at, said_came = _came(values)
    return Attendance(
        channel=channel,
        attendee_id=platform_id or (email.lower() if email else name),
        name=name,
        at=at,
        email=email,
        registered_at=_time(values, Column.REGISTERED_AT, "registered at"),
        checked_in_at=checked_in_at,
        attended=said_came or checked_in_at is not None,
        is_host=_yes(values.get(Column.HOST, ""), "host")
        or _key(values.get(Column.ROLE, "")) in HOST_ROLES,
        rsvp=RSVPS[answer],
    )


def _came(values: dict[Column, str]) -> tuple[datetime | None, bool]:
    """The check-in time, and whether the attended column says yes (or holds a time itself)."""
    checked_in_at = _time(values, Column.CHECKED_IN_AT, "checked in at")
    attended = values.get(Column.ATTENDED, "")
    if _key(attended) in YES | NO:
        return checked_in_at, _yes(attended, "attended")
    try:  # some lists put the check-in time in their "Checked in" column
        return checked_in_at or parse_time(attended, "attended"), True
    except Invalid:
        raise Invalid(f"attended {attended[:40]!r} is neither yes, no nor a time") from None


def _time(values: dict[Column, str], column: Column, what: str) -> datetime | None:
    value = values.get(column)
    return parse_time(value, what) if value else None


def _key(value: str) -> str:
    """A cell as compared with known answers: case, spaces and punctuation ignored."""
    return "".join(ch for ch in value.lower() if ch.isalnum() or ch in "✓✔")


def _yes(value: str, what: str) -> bool:
    key = _key(value)
    if key in YES:
        return True
    if key in NO:
        return False
    raise Invalid(f"{what} {value[:40]!r} is neither yes nor no")
