"""The `outreach_tasks` projection: follow-up tasks, their titles sealed under members' keys.

Tasks are few beside interactions: each event is one statement, sent without waiting.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.members.member import Member
from domain.outreach.task_events import TASK_EVENTS, TaskCreated
from projections.outreach.in_order import SealedInOrder
from projections.outreach.tasks_writes import ERASE, write_event
from projections.personal import Keys


class TasksProjection(SealedInOrder):
    """Follow-up tasks for admins and managers: who does what about whom, by when."""

    name: ClassVar[str] = "outreach_tasks"
    tables: ClassVar[tuple[str, ...]] = ("outreach_tasks",)
    topics: ClassVar[frozenset[str]] = frozenset(
        {Member.Erased.TOPIC, *(kind.TOPIC for kind in TASK_EVENTS)}
    )

    erase: ClassVar[tuple[str, ...]] = (ERASE,)

    def sealed_for(self, event: Any) -> UUID | None:
        """A new task's member: its title is sealed under their key."""
        return event.member_id if isinstance(event, TaskCreated) else None

    def write(self, cursor: Cursor[Any], event: Any, position: int, keys: Keys) -> None:
        """Apply one task event to its row."""
        write_event(cursor, event, position, keys)
