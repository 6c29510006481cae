"""Reads over the outreach log: the facts each outcome derives from, the recovery
comparison group, and the log a page at a time (notes opened for the roles allowed).

Facts come from the interactions and lifecycle read models as they are: a member's first
interaction in the reply window, their stage at the outreach, and their first move to
active or returning in the window (domain/outreach/outcomes.py decides from them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.outreach.effectiveness import WeekCases
from domain.outreach.outcomes import RETURNED_STAGES, OutreachFacts
from projections.cursors import Keyset, Page, Row
from projections.outreach.log import NOTE
from projections.personal import Keys, PersonalData, open_value

KEYSET = Keyset("outreach", itemgetter("at"), "outreach_id", datetime)
_RETURNED = list(RETURNED_STAGES)
# Per outreach: its window's first interaction (a reaction received is not the member's
# doing), the stage at the outreach, and the first return to active in the window.
FACTS = """
SELECT o.outreach_id, o.member_id, o.staff_id, o.channel, o.purpose, o.at,
    r.first_reply_at, s.stage AS stage_at_contact, t.returned_at
FROM outreach_log o
LEFT JOIN LATERAL (
    SELECT i.occurred_at AS first_reply_at FROM member_interactions i
    WHERE i.member_id = o.member_id AND i.occurred_at > o.at
        AND i.occurred_at <= o.at + %(window)s AND i.kind <> 'reaction_received'
    ORDER BY i.occurred_at LIMIT 1
) r ON true
LEFT JOIN LATERAL (
    SELECT h.stage FROM member_stage_history h
    WHERE h.member_id = o.member_id AND h.effective_at <= o.at
    ORDER BY h.effective_at DESC, h.version DESC LIMIT 1
) s ON true
LEFT JOIN LATERAL (
    SELECT h.effective_at AS returned_at FROM member_stage_history h
    WHERE h.member_id = o.member_id AND h.effective_at > o.at
        AND h.effective_at <= o.at + %(window)s AND h.stage = ANY(%(returned)s)
    ORDER BY h.effective_at LIMIT 1
) t ON true
WHERE {where}
"""
# Members at risk in each week and reached by no outreach in it or the reply days before
# it; anchored at the later of the week's start and their entry into at risk; returned
# when the stage that ended the at-risk interval is active or returning, within the window.
NOT_CONTACTED = """
WITH weeks AS (
    SELECT w AS week, (w::timestamp AT TIME ZONE 'UTC') AS starts
    FROM unnest(%(weeks)s::date[]) AS w
), cases AS (
    SELECT w.week, h.member_id, greatest(w.starts, h.effective_at) AS anchor, h.until,
        (SELECT n.stage FROM member_stage_history n
         WHERE n.member_id = h.member_id AND n.effective_at = h.until
         ORDER BY n.version LIMIT 1) AS next_stage
    FROM weeks w
    JOIN member_stage_history h ON h.stage = 'at_risk'
        AND tstzrange(h.effective_at, h.until) && tstzrange(w.starts, w.starts + interval '7 days')
    WHERE NOT EXISTS (
        SELECT 1 FROM outreach_log o WHERE o.member_id = h.member_id
            AND o.at >= w.starts - %(window)s AND o.at < w.starts + interval '7 days')
), judged AS (
    SELECT week, (until IS NOT NULL AND until <= anchor + %(window)s
        AND next_stage = ANY(%(returned)s)) AS returned, anchor + %(window)s >= %(now)s AS open
    FROM cases
)
SELECT week, count(*) FILTER (WHERE returned OR NOT open) AS members,
    count(*) FILTER (WHERE returned) AS returned,
    count(*) FILTER (WHERE open AND NOT returned) AS pending
FROM judged GROUP BY week ORDER BY week
"""


class OutreachLogQueries:
    """SQL over the outreach log and the read models its outcomes derive from."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def facts(
        self, start: datetime, end: datetime, reply_days: int
    ) -> list[tuple[dict[str, Any], OutreachFacts]]:
        """Every outreach made in [start, end) with the facts of its window."""
        rows = self._rows(
            FACTS.format(where="o.at >= %(start)s AND o.at < %(end)s"),
            {**self._window(reply_days), "start": start, "end": end},
        )
        return [(row, facts_of(row)) for row in rows]

    def facts_of(self, outreach_ids: Sequence[UUID], reply_days: int) -> dict[UUID, OutreachFacts]:
        """The facts of these outreaches, by id."""
        rows = self._rows(
            FACTS.format(where="o.outreach_id = ANY(%(ids)s)"),
            {**self._window(reply_days), "ids": list(outreach_ids)},
        )
        return {row["outreach_id"]: facts_of(row) for row in rows}

    def not_contacted(
        self, weeks: Sequence[date], reply_days: int, now: datetime
    ) -> list[WeekCases]:
        """The comparison group of each week (see NOT_CONTACTED)."""
        if not weeks:
            return []
        params = {**self._window(reply_days), "weeks": list(weeks), "now": now}
        return [
            WeekCases(r["week"], r["members"], r["returned"], r["pending"])
            for r in self._rows(NOT_CONTACTED, params)
        ]

    def page(self, member_id: UUID | None, first: int, after: str | None, reveal: bool) -> Page:
        """The log newest first (one member's, or everyone's), notes opened for `reveal`."""
        conditions, params = ["true"], []
        if member_id is not None:
            conditions.append("member_id = %s")
            params.append(member_id)
        if after:
            at, outreach_id = KEYSET.decode(after)
            conditions.append("(at, outreach_id) < (%s, %s)")
            params += [at, outreach_id]
        query = (
            f"SELECT * FROM outreach_log WHERE {' AND '.join(conditions)}"
            " ORDER BY at DESC, outreach_id DESC LIMIT %s"
        )
        page = KEYSET.page(self._rows(query, [*params, first + 1]), first)
        self.open_notes(page.rows, reveal)
        return page

    def by_id(self, outreach_id: UUID, reveal: bool) -> Row | None:
        """One outreach, its note opened for `reveal`; None when the read model lacks it."""
        rows = self._rows("SELECT * FROM outreach_log WHERE outreach_id = %s", (outreach_id,))
        self.open_notes(rows, reveal)
        return rows[0] if rows else None

    def open_notes(self, rows: list[Row], reveal: bool) -> None:
        """Each row's note in clear for `reveal` (one key query), else None, in place."""
        sealed = [r for r in rows if r["sealed_note"] is not None] if reveal else []
        keys: Keys = self.personal.reader_keys(r["member_id"] for r in sealed) if sealed else {}
        for row in rows:
            value = row.pop("sealed_note")
            key = keys.get(row["member_id"]) if reveal else None
            row["note"] = open_value(key, value, NOTE, row["outreach_id"])

    @staticmethod
    def _window(reply_days: int) -> dict[str, Any]:
        return {"window": timedelta(days=reply_days), "returned": _RETURNED}

    def _rows(self, query: Any, params: Any = ()) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()


def facts_of(row: Row) -> OutreachFacts:
    """The outcome facts of a FACTS row."""
    return OutreachFacts(
        at=row["at"],
        first_reply_at=row["first_reply_at"],
        stage_at_contact=row["stage_at_contact"],
        returned_at=row["returned_at"],
    )
