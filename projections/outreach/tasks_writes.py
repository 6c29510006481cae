"""The statements the tasks projection writes a task's events with: one per event."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from domain.outreach.task_events import (
    TaskCancelled,
    TaskCompleted,
    TaskCreated,
    TaskEvent,
    TaskReopened,
)
from projections.personal import Keys, seal_value

CREATE = """
INSERT INTO outreach_tasks (task_id, member_id, assignee_id, sealed_title, due_on, status,
    link_kind, link_id, created_at, version, position, changed_at)
VALUES (%(id)s, %(member_id)s, %(assignee_id)s, %(title)s, %(due_on)s, 'open',
    %(link_kind)s, %(link_id)s, %(at)s, %(version)s, %(position)s, %(changed_at)s)
ON CONFLICT (task_id) DO NOTHING
"""
_TRACK = "version = %(version)s, position = %(position)s, changed_at = %(changed_at)s"
# Each move sets the status it leads to and when; a replayed event (an older version) is a
# no-op, so a page applied twice leaves the row as it was.
MOVE = {
    TaskCompleted: "status = 'done', completed_at = %(at)s",
    TaskReopened: "status = 'open', reopened_at = %(at)s",
    TaskCancelled: "status = 'cancelled', cancelled_at = %(at)s",
}
UPDATE = (
    "UPDATE outreach_tasks SET {}, " + _TRACK + " WHERE task_id = %(id)s AND version < %(version)s"
)
# Nothing readable of the member is left: their key is shredded, and the sealed title goes too.
ERASE = "UPDATE outreach_tasks SET member_erased = true, sealed_title = NULL WHERE member_id = %s"
TITLE = "outreach_tasks.title"


def write_event(cursor: Cursor[Any], event: TaskEvent, position: int, keys: Keys) -> None:
    """Apply one task event to its row."""
    common: dict[str, Any] = {
        "id": event.originator_id,
        "version": event.originator_version,
        "position": position,
        "changed_at": event.timestamp,
    }
    if isinstance(event, TaskCreated):
        values = {
            "member_id": event.member_id,
            "assignee_id": event.assignee_id,
            "title": seal_value(keys.get(event.member_id), event.title, TITLE, event.originator_id),
            "due_on": event.due_on,
            "link_kind": event.link_kind,
            "link_id": event.link_id,
            "at": event.at,
        }
        cursor.execute(CREATE, common | values)
        return
    assert isinstance(event, TaskCompleted | TaskReopened | TaskCancelled)
    cursor.execute(UPDATE.format(MOVE[type(event)]), common | {"at": event.at})
