"""The `conduct` projection: incidents, their history, and the standing they give members.

Incidents are few: each event is one statement, sent without waiting. A member's standing
is recomputed from all their incidents whenever a decision about them changes, so an
overturned appeal or a later decision gives the right answer without bookkeeping.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.conduct.events import CONDUCT_EVENTS, Reported
from domain.members.member import Member
from projections.conduct.writes import ERASE, write_event
from projections.projection import SealingProjection, notification_ids

# A member's standing from their upheld incidents: banned if any ban is upheld, else
# suspended until the latest end of their upheld suspensions (readers compare it with now),
# else no row. Upheld includes a decision under appeal: it stays in force meanwhile.
FORGET_STANDING = "DELETE FROM member_standing WHERE member_id = ANY(%(ids)s)"
RECOMPUTE_STANDING = """
INSERT INTO member_standing (member_id, standing, until, incident_id, position)
SELECT DISTINCT ON (member_id) member_id,
    CASE WHEN severity = 'ban' THEN 'banned' ELSE 'suspended' END,
    CASE WHEN severity = 'ban' THEN NULL ELSE suspended_until END,
    incident_id, position
FROM conduct_incidents
WHERE member_id = ANY(%(ids)s) AND status = 'upheld' AND NOT member_erased
    AND severity IN ('ban', 'suspension')
ORDER BY member_id, severity = 'ban' DESC, suspended_until DESC NULLS LAST, decided_at DESC
"""
MEMBERS_OF = "SELECT DISTINCT member_id FROM conduct_incidents WHERE incident_id = ANY(%s)"


class ConductProjection(SealingProjection):
    """Conduct incidents for admins and managers, and every member's standing for all."""

    name: ClassVar[str] = "conduct"
    tables: ClassVar[tuple[str, ...]] = ("conduct_incidents", "member_standing", "conduct_history")
    topics: ClassVar[frozenset[str]] = frozenset(
        {Member.Erased.TOPIC, *(kind.TOPIC for kind in CONDUCT_EVENTS)}
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Each event in log order, then the standing of every member the page touched."""
        if not events:
            return
        personal = self.personal
        positions = notification_ids(events)
        members = {e.member_id for e in events if hasattr(e, "member_id")}
        keys = personal.writer_keys(members) if members else {}
        decided: set[UUID] = set()
        erased: list[UUID] = []
        with cursor.connection.pipeline():
            for event, position in zip(events, positions, strict=True):
                if type(event) is Member.Erased:
                    cursor.execute(ERASE, (event.originator_id,))
                    erased.append(event.originator_id)
                    continue
                write_event(cursor, event, position, keys)
                if type(event) is not Reported:
                    decided.add(event.originator_id)
        self._recompute(cursor, decided, erased)

    def _recompute(self, cursor: Cursor[Any], incidents: set[UUID], erased: list[UUID]) -> None:
        """Recompute the standing of the members concerned by these incidents, and erased."""
        members = set(erased)
        if incidents:
            cursor.execute(MEMBERS_OF, (list(incidents),))
            members |= {row[0] for row in cursor.fetchall()}
        if members:
            cursor.execute(FORGET_STANDING, {"ids": list(members)})
            cursor.execute(RECOMPUTE_STANDING, {"ids": list(members)})
