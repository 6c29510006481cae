"""Reads over the `disclosures` projection: exports newest first, whom each held, and a
member's exports. A member is named by id, with a name only while not erased."""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import Keyset, Page

Row = dict[str, Any]

EXPORT_COLUMNS = (
    "export_id, kind, requested_by, role, key_id, at, filter, rule_versions, row_count, position"
)
# Exports newest first: all of them (TRUE), or those that held a member.
EXPORTS = f"""
SELECT {EXPORT_COLUMNS} FROM disclosures WHERE {{which}} {{after}}
ORDER BY at DESC, export_id DESC LIMIT %s
"""
HELD_MEMBER = "export_id IN (SELECT export_id FROM disclosure_members WHERE member_id = %s)"
# Members of one export, by id: the member's status says whether they were erased since.
EXPORT_MEMBERS = """
SELECT dm.member_id, m.status = 'erased' OR m.member_id IS NULL AS erased,
    CASE WHEN m.status = 'erased' THEN NULL ELSE m.display_name END AS display_name,
    m.erased_at
FROM disclosure_members dm LEFT JOIN members m USING (member_id)
WHERE dm.export_id = %s {after}
ORDER BY dm.member_id LIMIT %s
"""
EXPORT_KEYS = Keyset("exports", itemgetter("at"), "export_id", datetime)
MEMBER_KEYS = Keyset("export-members", itemgetter("member_id_text"), "member_id", str)


class DisclosureQueries:
    """SQL over the disclosure tables; nothing here reads the event log."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def exports(self, after: str | None, limit: int) -> Page:
        """Every export, newest first, keyset-paged."""
        return self._exports("TRUE", [], after, limit)

    def member_exports(self, member_id: UUID, after: str | None, limit: int) -> Page:
        """The exports that held this member, newest first."""
        return self._exports(HELD_MEMBER, [member_id], after, limit)

    def _exports(self, which: str, params: list[Any], after: str | None, limit: int) -> Page:
        condition = ""
        if after is not None:
            at, export_id = EXPORT_KEYS.decode(after)
            condition, params = "AND (at, export_id) < (%s, %s)", [*params, at, export_id]
        rows = self._rows(EXPORTS.format(which=which, after=condition), [*params, limit + 1])
        return EXPORT_KEYS.page(rows, limit)

    def export_members(self, export_id: UUID, after: str | None, limit: int) -> Page:
        """The members an export held, by id; erased ones flagged, without a name."""
        condition, params = "", [export_id]
        if after is not None:
            _, member_id = MEMBER_KEYS.decode(after)
            condition, params = "AND dm.member_id > %s", [*params, member_id]
        rows = self._rows(EXPORT_MEMBERS.format(after=condition), [*params, limit + 1])
        for row in rows:
            row["member_id_text"] = str(row["member_id"])
        return MEMBER_KEYS.page(rows, limit)

    def _rows(self, query: str, params: Any) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)  # fragments are constants: no caller input in the SQL
            return cur.fetchall()
