"""The `event_attendance` projection: events, their hosts, and who registered and came.

Events are few beside interactions: each is one or two statements, sent without waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import Cursor

from domain.events import COMMUNITY_EVENT_CHANGES
from projections.events.writes import write_event
from projections.projection import Projection, notification_ids


class CommunityEventsProjection(Projection):
    """Community events with their attendees, for every role's figures and member.events."""

    name: ClassVar[str] = "event_attendance"
    tables: ClassVar[tuple[str, ...]] = ("event_schedule", "event_attendees")
    topics: ClassVar[frozenset[str]] = frozenset(kind.TOPIC for kind in COMMUNITY_EVENT_CHANGES)

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Each event in log order."""
        if not events:
            return
        positions = notification_ids(events)
        with cursor.connection.pipeline():
            for event, position in zip(events, positions, strict=True):
                write_event(cursor, event, position)
