"""Reads of the community events projection: events with their figures, attendees, and a
member's events.

The figures read two tables of the engagement projection at query time (each attendee's
first interaction, and their interactions eight weeks on): never while projecting.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.events.figures import (
    ACTIVE_WINDOW,
    NEWCOMER_WINDOW,
    RETENTION_AFTER,
    AttendanceCounts,
)
from projections.cursors import Row

# One event's counts, hosts left out; `e` is the event's row. Each attendee's earlier
# check-ins are one probe of the member index; newcomers one probe of member_engagement,
# and those kept one probe of their interactions (member_interactions_member_idx).
# Members merged into one person count once, as the person (member_engagement's
# merged_into, read from its small partial index): their rows are grouped, and the
# person's earlier check-ins, first interaction and interactions are those of all of them.
_FIGURES = """
CROSS JOIN LATERAL (
    SELECT count(*) AS registered,
        count(*) FILTER (WHERE a.came) AS attended,
        count(*) FILTER (WHERE a.came AND NOT EXISTS (
            SELECT 1 FROM event_attendees p
            JOIN event_schedule pe ON pe.event_id = p.event_id
            WHERE p.member_id = ANY(k.members) AND p.checked_in_at IS NOT NULL
                AND (pe.starts_at, pe.event_id) < (e.starts_at, e.event_id))) AS first_timers,
        count(*) FILTER (WHERE n.newcomer) AS newcomers,
        count(*) FILTER (WHERE n.newcomer AND EXISTS (
            SELECT 1 FROM member_interactions i WHERE i.member_id = ANY(k.members)
                AND i.occurred_at >= e.starts_at + %(retention)s - %(active)s
                AND i.occurred_at < e.starts_at + %(retention)s)) AS retained
    FROM (
        SELECT coalesce(g.merged_into, x.member_id) AS person,
            bool_or(x.checked_in_at IS NOT NULL) AS came
        FROM event_attendees x
        LEFT JOIN member_engagement g ON g.member_id = x.member_id AND g.merged_into IS NOT NULL
        WHERE x.event_id = e.event_id
        GROUP BY 1
    ) a
    CROSS JOIN LATERAL (
        SELECT a.person || coalesce(array_agg(m.member_id), '{}'::uuid[]) AS members
        FROM member_engagement m WHERE m.merged_into IS NOT NULL AND m.merged_into = a.person
    ) k
    CROSS JOIN LATERAL (
        SELECT a.came AND coalesce((
            SELECT g.first_interaction_at >= e.starts_at - %(newcomer)s
            FROM member_engagement g WHERE g.member_id = a.person), false) AS newcomer
    ) n
    WHERE NOT k.members && e.host_ids
) f
"""
BETWEEN = f"""
SELECT e.*, f.* FROM (
    SELECT * FROM event_schedule
    WHERE starts_at >= %(start)s AND starts_at < %(end)s
    ORDER BY starts_at, event_id LIMIT %(limit)s
) e {_FIGURES}
ORDER BY e.starts_at, e.event_id
"""
BY_IDS = f"""
SELECT e.*, f.* FROM event_schedule e {_FIGURES} WHERE e.event_id = ANY(%(ids)s)
"""
ATTENDEES = """
SELECT a.member_id, a.registered_at, a.checked_in_at, a.member_id = ANY(e.host_ids) AS host
FROM event_attendees a JOIN event_schedule e ON e.event_id = a.event_id
WHERE a.event_id = %(id)s
ORDER BY a.checked_in_at IS NULL, a.registered_at, a.member_id
LIMIT %(limit)s
"""
MEMBER_EVENTS = """
SELECT a.event_id, a.registered_at, a.checked_in_at, a.member_id = ANY(e.host_ids) AS host
FROM event_attendees a JOIN event_schedule e ON e.event_id = a.event_id
WHERE a.member_id = %(member)s
ORDER BY e.starts_at DESC, e.event_id
LIMIT %(limit)s
"""
_WINDOWS = {"newcomer": NEWCOMER_WINDOW, "retention": RETENTION_AFTER, "active": ACTIVE_WINDOW}


class EventQueries:
    """Community events as the API shows them; every role reads them."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def between(self, start: datetime, end: datetime, limit: int) -> list[Row]:
        """Events starting in [start, end), by start, with their counts."""
        return self._rows(BETWEEN, {"start": start, "end": end, "limit": limit} | _WINDOWS)

    def by_ids(self, event_ids: list[UUID]) -> dict[UUID, Row]:
        """These events with their counts; unknown ids absent."""
        rows = self._rows(BY_IDS, {"ids": event_ids} | _WINDOWS)
        return {row["event_id"]: row for row in rows}

    def attendees(self, event_id: UUID, limit: int) -> list[Row]:
        """Who registered: those who came first, then by registration."""
        return self._rows(ATTENDEES, {"id": event_id, "limit": limit})

    def member_events(self, member_id: UUID, limit: int) -> list[Row]:
        """The events the member registered for, hosted or came to, latest first."""
        return self._rows(MEMBER_EVENTS, {"member": member_id, "limit": limit})

    def _rows(self, query: str, params: dict[str, Any]) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return list(cur.execute(query, params).fetchall())


def attendance_counts(row: Row) -> AttendanceCounts:
    """The counts of an event row read by `between` or `by_ids`."""
    return AttendanceCounts(
        registered=row["registered"],
        attended=row["attended"],
        first_timers=row["first_timers"],
        newcomers=row["newcomers"],
        retained=row["retained"],
    )
