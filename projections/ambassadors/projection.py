"""The `ambassadors` projection: each member's place in the program now, and every move of it.

Program events name the member's Ambassadorship record, not the member: the record's first
event (Started, saved with the first nomination) opens the member's row with the record id,
and later events find the member through it. Moves are few: statement by statement, sent
without waiting. On a member's erasure the free-text reasons are deleted; the rest (ids,
statuses, tiers, dates, factor counts) is not personal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor
from psycopg.types.json import Jsonb

from domain.ambassadors import events as e
from domain.members.member import Member
from projections.projection import Projection, notification_ids

PROGRAM_EVENTS: tuple[type[e.ProgramEvent], ...] = (
    e.Started,
    e.Nominated,
    e.Approved,
    e.Declined,
    e.TierChanged,
    e.Paused,
    e.Resumed,
    e.Renewed,
    e.Expired,
    e.Retired,
)

OPEN = """
INSERT INTO ambassadors (member_id, record_id, status, nominated_at, version, position,
    changed_at)
VALUES (%(member)s, %(record)s, 'nominated', %(at)s, %(version)s, %(position)s, %(at)s)
ON CONFLICT (member_id) DO UPDATE SET record_id = EXCLUDED.record_id
"""
# What each move sets besides version, position and changed_at (None: the event's field).
SETS: dict[type[e.ProgramEvent], str] = {
    e.Nominated: "status = 'nominated', tier = NULL, nominated_at = %(at)s,"
    " nominated_by = %(actor)s, since = NULL, term_ends = NULL, rule_version = %(rule)s,"
    " factors = %(factors)s, reason = NULL, incident_id = NULL",
    e.Approved: "status = 'active', tier = %(tier)s, since = %(at)s, term_ends = %(term_ends)s",
    e.Declined: "status = 'declined', reason = %(reason)s",
    e.TierChanged: "tier = %(tier)s",
    e.Paused: "status = 'paused'",
    e.Resumed: "status = 'active'",
    e.Renewed: "term_ends = %(term_ends)s",
    e.Expired: "status = 'expired'",
    e.Retired: "status = 'retired', reason = %(reason)s, incident_id = %(incident)s",
}
UPDATE = """
UPDATE ambassadors SET {sets}, version = %(version)s, position = %(position)s,
    changed_at = %(recorded)s
WHERE member_id = %(member)s
"""
HISTORY = """
INSERT INTO ambassador_history (member_id, position, move, status, tier, at, actor_id,
    reason, incident_id, term_ends, detail)
SELECT member_id, %(position)s, %(move)s, status, tier, %(at)s, %(actor)s, %(reason)s,
    %(incident)s, term_ends, %(detail)s
FROM ambassadors WHERE member_id = %(member)s
ON CONFLICT (member_id, position) DO NOTHING
"""
# The member's erasure: their reasons are free text about them, and go.
ERASE = (
    "UPDATE ambassadors SET reason = NULL WHERE member_id = %s AND reason IS NOT NULL",
    "UPDATE ambassador_history SET reason = NULL WHERE member_id = %s AND reason IS NOT NULL",
)
# The actor of each move, by the field that names them.
ACTORS = (
    "nominated_by",
    "approved_by",
    "declined_by",
    "changed_by",
    "paused_by",
    "resumed_by",
    "renewed_by",
    "retired_by",
)


class AmbassadorsProjection(Projection):
    """The program for lists and for member.ambassadorship, with its history."""

    name: ClassVar[str] = "ambassadors"
    tables: ClassVar[tuple[str, ...]] = ("ambassadors", "ambassador_history")
    topics: ClassVar[frozenset[str]] = frozenset(
        {Member.Erased.TOPIC, *(kind.TOPIC for kind in PROGRAM_EVENTS)}
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply the page's moves in log order, then its erasures."""
        if not events:
            return
        positions = notification_ids(events)
        members = _members(cursor, events)
        with cursor.connection.pipeline():
            for event, position in zip(events, positions, strict=True):
                if type(event) is Member.Erased:
                    for statement in ERASE:
                        cursor.execute(statement, (event.originator_id,))
                    continue
                member_id = members.get(event.originator_id)
                if member_id is None:
                    continue  # a record whose opening this read model never saw
                _apply_move(cursor, event, member_id, position)


def _apply_move(cursor: Cursor[Any], event: Any, member_id: UUID, position: int) -> None:
    """One program event: the member's row, then a history line."""
    params = _params(event, member_id, position)
    if type(event) is e.Started:
        cursor.execute(OPEN, params)
        return
    cursor.execute(UPDATE.format(sets=SETS[type(event)]), params)
    cursor.execute(HISTORY, params)


def _members(cursor: Cursor[Any], events: Sequence[Any]) -> dict[UUID, UUID]:
    """The member of each record the page moves: opened in this page, or stored before."""
    found = {ev.originator_id: ev.member_id for ev in events if type(ev) is e.Started}
    wanted = [
        ev.originator_id for ev in events if type(ev) in SETS and ev.originator_id not in found
    ]
    if wanted:
        cursor.execute(
            "SELECT record_id, member_id FROM ambassadors WHERE record_id = ANY(%s)",
            (list(set(wanted)),),
        )
        found.update({row[0]: row[1] for row in cursor.fetchall()})
    return found


def _params(event: Any, member_id: UUID, position: int) -> dict[str, Any]:
    """The statements' parameters from any program event (absent fields as None)."""
    actor = next((getattr(event, name) for name in ACTORS if hasattr(event, name)), None)
    rule = getattr(event, "rule_version", None)
    factors = getattr(event, "factors", None)
    detail = {"ruleVersion": rule, "factors": factors} if rule is not None else {}
    return {
        "member": member_id,
        "record": event.originator_id,
        "version": event.originator_version,
        "position": position,
        "recorded": event.timestamp,
        "at": getattr(event, "at", event.timestamp),
        "move": event.MOVE.value if type(event) is not e.Started else None,
        "actor": actor,
        "rule": rule,
        "factors": Jsonb(factors or {}),
        "tier": getattr(event, "tier", None),
        "term_ends": getattr(event, "term_ends", None),
        "reason": getattr(event, "reason", None),
        "incident": getattr(event, "incident_id", None),
        "detail": Jsonb(detail),
    }
