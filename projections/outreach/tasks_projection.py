"""The `outreach_tasks` projection: follow-up tasks, their titles sealed under members' keys.

Tasks are few beside interactions: each event is one statement, sent without waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import Cursor

from domain.members.member import Member
from domain.outreach.task_events import TASK_EVENTS, TaskCreated
from projections.outreach.tasks_writes import ERASE, write_event
from projections.projection import SealingProjection, notification_ids


class TasksProjection(SealingProjection):
    """Follow-up tasks for admins and managers: who does what about whom, by when."""

    name: ClassVar[str] = "outreach_tasks"
    tables: ClassVar[tuple[str, ...]] = ("outreach_tasks",)
    topics: ClassVar[frozenset[str]] = frozenset(
        {Member.Erased.TOPIC, *(kind.TOPIC for kind in TASK_EVENTS)}
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Each event in log order; titles sealed with one key query per page."""
        if not events:
            return
        positions = notification_ids(events)
        members = {e.member_id for e in events if isinstance(e, TaskCreated)}
        keys = self.personal.writer_keys(members) if members else {}
        with cursor.connection.pipeline():
            for event, position in zip(events, positions, strict=True):
                if type(event) is Member.Erased:
                    cursor.execute(ERASE, (event.originator_id,))
                    continue
                write_event(cursor, event, position, keys)
