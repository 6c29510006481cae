"""Reads over the `conduct` projection: incidents a page at a time, history, standing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import Keyset, Row
from projections.personal import Keys, PersonalData, open_value

# Sealed columns, opened into the fields named without the prefix.
SEALED = (
    "sealed_description",
    "sealed_evidence_url",
    "sealed_decision_reason",
    "sealed_appeal_reason",
    "sealed_appeal_decision_reason",
)
KEYSET = Keyset("conduct_incidents", itemgetter("reported_at"), "incident_id", datetime)
# An appeal is pending while its decision is not in: the status column keeps the decision
# in force meanwhile (see migrations/0019_conduct.sql).
PENDING_APPEAL = "(appealed_at IS NOT NULL AND appeal_outcome IS NULL)"
# A standing in force at the time of reading: a suspension that has ended reads as good.
IN_FORCE = "(standing = 'banned' OR until > now())"


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents a list shows; every given criterion must hold.

    `status` is the status shown: 'appealed' while an appeal is pending, else the column's.
    """

    member_id: UUID | None = None
    status: str | None = None
    severity: str | None = None


@dataclass(frozen=True)
class Standing:
    """A member's standing now: good, suspended (until) or banned."""

    standing: str
    until: datetime | None = None


GOOD = Standing("good")


class ConductQueries:
    """SQL over the conduct read tables; personal values opened with one key query a page."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def page(
        self, where: IncidentFilter, first: int, after: str | None
    ) -> tuple[list[Row], list[str], bool]:
        """Incidents newest first after the cursor: (rows, a cursor per row, more follow)."""
        found, params = _conditions(where)
        if after:
            reported_at, incident_id = KEYSET.decode(after)
            found.append(sql.SQL("(reported_at, incident_id) < (%s, %s)"))
            params += [reported_at, incident_id]
        query = sql.SQL(
            "SELECT * FROM conduct_incidents WHERE {} "
            "ORDER BY reported_at DESC, incident_id DESC LIMIT %s"
        ).format(sql.SQL(" AND ").join(found))
        page = KEYSET.page(self._rows(query, [*params, first + 1]), first)
        return self.opened(page.rows), page.cursors, page.has_next

    def by_id(self, incident_id: UUID) -> Row | None:
        """One incident, opened; None when the read model does not hold it."""
        rows = self._rows("SELECT * FROM conduct_incidents WHERE incident_id = %s", (incident_id,))
        return self.opened(rows)[0] if rows else None

    def history(self, incident_ids: Sequence[UUID]) -> dict[UUID, list[Row]]:
        """Each incident's changes, in log order."""
        found: dict[UUID, list[Row]] = {i: [] for i in incident_ids}
        for row in self._rows(
            "SELECT * FROM conduct_history WHERE incident_id = ANY(%s) ORDER BY position",
            (list(incident_ids),),
        ):
            found[row["incident_id"]].append(row)
        return found

    def standings(self, member_ids: Sequence[UUID]) -> dict[UUID, Standing]:
        """The standing now of each member (good when nothing in force): one query."""
        rows = self._rows(
            f"SELECT member_id, standing, until FROM member_standing"
            f" WHERE member_id = ANY(%s) AND {IN_FORCE}",
            (list(member_ids),),
        )
        found = {r["member_id"]: Standing(r["standing"], r["until"]) for r in rows}
        return {m: found.get(m, GOOD) for m in member_ids}

    def opened(self, rows: list[Row]) -> list[Row]:
        """The rows with their sealed values opened (None once the member is erased)."""
        members = {r["member_id"] for r in rows if not r["member_erased"]}
        keys: Keys = self.personal.reader_keys(members) if members else {}
        for row in rows:
            key = keys.get(row["member_id"])
            for column in SEALED:
                name = column.removeprefix("sealed_")
                context = f"conduct_incidents.{name}"
                row[name] = open_value(key, row.pop(column), context, row["incident_id"])
            if row["appealed_at"] is not None and row["appeal_outcome"] is None:
                row["status"] = "appealed"
        return rows

    def _rows(self, query: Any, params: Any = ()) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()


def _conditions(where: IncidentFilter) -> tuple[list[sql.Composable], list[Any]]:
    conditions: list[sql.Composable] = [sql.SQL("true")]
    params: list[Any] = []
    if where.member_id is not None:
        conditions.append(sql.SQL("member_id = %s"))
        params.append(where.member_id)
    if where.status == "appealed":
        conditions.append(sql.SQL(PENDING_APPEAL))
    elif where.status is not None:
        conditions.append(sql.SQL(f"status = %s AND NOT {PENDING_APPEAL}"))
        params.append(where.status)
    if where.severity is not None:
        conditions.append(sql.SQL("severity = %s"))
        params.append(where.severity)
    return conditions, params
