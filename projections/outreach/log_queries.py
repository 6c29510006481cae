"""Reads over the outreach log: the facts each outcome derives from, the recovery
comparison group, and the log a page at a time (notes opened for the roles allowed).

Facts are kept in each outreach's row: the member's first interaction after it, their
stage at it, and their first move to active or returning after it; the reply window and
`now` are applied by the domain (domain/outreach/outcomes.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.outreach.effectiveness import NotContacted, Tallies
from domain.outreach.outcomes import OutreachFacts
from projections.cursors import Keyset, Page, Row
from projections.outreach import comparison, tallies
from projections.outreach.log import NOTE
from projections.personal import Keys, PersonalData, open_value

KEYSET = Keyset("outreach", itemgetter("at"), "outreach_id", datetime)
# The facts are kept in each outreach's row as interactions and stage changes arrive
# (migrations/0028_outreach_effectiveness.sql): reading them is reading the rows.
FACTS = """
SELECT outreach_id, member_id, staff_id, channel, purpose, at, first_reply_at,
    stage_at_contact, returned_at
FROM outreach_log WHERE {where}
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
            FACTS.format(where="at >= %(start)s AND at < %(end)s"), {"start": start, "end": end}
        )
        return [(row, facts_of(row)) for row in rows]

    def facts_of(self, outreach_ids: Sequence[UUID], reply_days: int) -> dict[UUID, OutreachFacts]:
        """The facts of these outreaches, by id."""
        rows = self._rows(
            FACTS.format(where="outreach_id = ANY(%(ids)s)"), {"ids": list(outreach_ids)}
        )
        return {row["outreach_id"]: facts_of(row) for row in rows}

    def tallies(
        self, start: datetime, end: datetime, group_by: str, reply_days: int, now: datetime
    ) -> Tallies:
        """Effectiveness counted in SQL (projections/outreach/tallies.py)."""
        with self.pool.connection() as conn:
            return tallies.tallies(conn, start, end, group_by, reply_days, now)

    def not_contacted(self, weeks: Sequence[date], reply_days: int, now: datetime) -> NotContacted:
        """The comparison group over the chosen weeks, pooled (outreach/comparison.py)."""
        with self.pool.connection() as conn:
            return comparison.not_contacted(conn, list(weeks), reply_days, now)

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
