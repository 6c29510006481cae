"""The statements the community events projection writes an event's events with."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from domain.events.events import (
    Cancelled,
    CheckedIn,
    CommunityEventChange,
    Registered,
    Rescheduled,
    Scheduled,
)

SCHEDULE = """
INSERT INTO event_schedule (event_id, title, kind, starts_at, ends_at, channel, place,
    host_ids, status, scheduled_at, version, position, changed_at)
VALUES (%(id)s, %(title)s, %(kind)s, %(starts_at)s, %(ends_at)s, %(channel)s, %(place)s,
    %(host_ids)s, 'scheduled', %(at)s, %(version)s, %(position)s, %(changed_at)s)
ON CONFLICT (event_id) DO NOTHING
"""
_TRACK = "version = %(version)s, position = %(position)s, changed_at = %(changed_at)s"
# Each change sets what it changes; a replayed event (an older version) is a no-op, so a
# page applied twice leaves the row as it was.
CHANGE = {
    Rescheduled: "starts_at = %(starts_at)s, ends_at = %(ends_at)s",
    Registered: "status = status",
    CheckedIn: "host_ids = CASE WHEN %(as_host)s AND NOT %(member_id)s = ANY(host_ids)"
    " THEN host_ids || %(member_id)s ELSE host_ids END",
    Cancelled: "status = 'cancelled', cancel_reason = %(reason)s, cancelled_at = %(at)s",
}
UPDATE = (
    "UPDATE event_schedule SET {}, " + _TRACK + " WHERE event_id = %(id)s AND version < %(version)s"
)
REGISTER = """
INSERT INTO event_attendees (event_id, member_id, registered_at)
VALUES (%(id)s, %(member_id)s, %(at)s) ON CONFLICT (event_id, member_id) DO NOTHING
"""
CHECK_IN = """
UPDATE event_attendees SET checked_in_at = %(at)s
WHERE event_id = %(id)s AND member_id = %(member_id)s
"""


def write_event(cursor: Cursor[Any], event: CommunityEventChange, position: int) -> None:
    """Apply one event of a community event to its rows."""
    values = dict(vars(event))
    common: dict[str, Any] = values | {
        "id": event.originator_id,
        "version": event.originator_version,
        "position": position,
        "changed_at": event.timestamp,
    }
    if isinstance(event, Scheduled):
        cursor.execute(SCHEDULE, common | {"host_ids": list(event.host_ids)})
        return
    if isinstance(event, Registered):
        cursor.execute(REGISTER, common)
    elif isinstance(event, CheckedIn):
        cursor.execute(CHECK_IN, common)
    cursor.execute(UPDATE.format(CHANGE[type(event)]), common)
