"""Reads over the `outreach_tasks` projection: the task list, overdue first, and one task.

The list's order is (overdue first, due day, id), where overdue means open and due before
today: a part per status (open split at today), each read in index order up to the page's
end, merged. The cursor carries the part's rank with the due day, so a page continues
where the last ended even across parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import InvalidCursor, Keyset, Page, Row
from projections.outreach.tasks_writes import TITLE
from projections.personal import Keys, PersonalData, open_value


def _sort_key(row: Row) -> str:
    return f"{row['rank']}|{row['due_on'].isoformat()}"


KEYSET = Keyset("outreach_tasks", _sort_key, "task_id", str)
# (rank, status, the condition on due_on against today): overdue tasks rank first.
PARTS: tuple[tuple[int, str, str], ...] = (
    (0, "open", "due_on < %(today)s"),
    (1, "open", "due_on >= %(today)s"),
    (1, "done", "true"),
    (1, "cancelled", "true"),
)

# The page's rows with their members' wrapped keys, read in the same statement: one round
# trip, and a key shredded by an erasure is seen at once (no key: no title).
PAGE = """
SELECT parts.*, keys.wrapped_key
FROM (SELECT * FROM ({}) AS found ORDER BY rank, due_on, task_id LIMIT %(limit)s) AS parts
LEFT JOIN personal_data_keys AS keys
    ON keys.subject_id = parts.member_id AND NOT parts.member_erased
ORDER BY rank, due_on, task_id
"""


@dataclass(frozen=True)
class TaskFilter:
    """Which tasks a list shows; every given criterion must hold."""

    assignee_id: UUID | None = None
    status: str | None = None
    due_before: date | None = None  # due strictly before this day
    member_id: UUID | None = None


class TaskQueries:
    """SQL over the tasks read table; titles opened with one key query a page."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def page(self, where: TaskFilter, today: date, first: int, after: str | None) -> Page:
        """Tasks overdue first, then by due day, after the cursor (erased members' left out)."""
        params: dict[str, Any] = {"today": today, "limit": first + 1}
        resume = _resume(after)
        parts = [
            _part(rank, status, due, where, resume, params)
            for rank, status, due in PARTS
            if where.status in (None, status) and (resume is None or rank >= resume[0])
        ]
        query = sql.SQL(PAGE).format(sql.SQL(" UNION ALL ").join(parts))
        page = KEYSET.page(self._rows(query, params), first)
        return Page(self._opened_with_keys(page.rows), page.has_next, page.cursors)

    def by_id(self, task_id: UUID) -> Row | None:
        """One task, opened; None when the read model does not hold it."""
        rows = self._rows("SELECT * FROM outreach_tasks WHERE task_id = %s", (task_id,))
        return self.opened(rows)[0] if rows else None

    def opened(self, rows: list[Row]) -> list[Row]:
        """The rows with their titles opened (None once the member is erased)."""
        members = {r["member_id"] for r in rows if not r["member_erased"]}
        keys: Keys = self.personal.reader_keys(members) if members else {}
        for row in rows:
            key = keys.get(row["member_id"])
            row["title"] = open_value(key, row.pop("sealed_title"), TITLE, row["task_id"])
        return rows

    def _opened_with_keys(self, rows: list[Row]) -> list[Row]:
        """The rows with their titles opened by the wrapped keys read with them."""
        unwrap = self.personal.keyring.unwrap
        for row in rows:
            wrapped = row.pop("wrapped_key")
            key = unwrap(str(row["member_id"]), wrapped) if wrapped else None
            row["title"] = open_value(key, row.pop("sealed_title"), TITLE, row["task_id"])
        return rows

    def _rows(self, query: Any, params: Any = ()) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()


def _resume(after: str | None) -> tuple[int, date, UUID] | None:
    """(rank, due day, id) of the cursor's row; InvalidCursor if this list did not make it."""
    if after is None:
        return None
    key, task_id = KEYSET.decode(after)
    try:
        rank, due_on = str(key).split("|")
        if rank not in ("0", "1"):
            raise ValueError(rank)
        return int(rank), date.fromisoformat(due_on), task_id
    except ValueError:
        raise InvalidCursor("not a cursor handed out by this list") from None


def _part(
    rank: int,
    status: str,
    due: str,
    where: TaskFilter,
    resume: tuple[int, date, UUID] | None,
    params: dict[str, Any],
) -> sql.Composable:
    """One status's tasks in index order, up to the page's end."""
    found: list[sql.Composable] = [
        sql.SQL("NOT member_erased AND status = {}").format(sql.Literal(status))
    ]
    found.append(sql.SQL(due))
    if where.assignee_id is not None:
        found.append(sql.SQL("assignee_id = %(assignee)s"))
        params["assignee"] = where.assignee_id
    if where.member_id is not None:
        found.append(sql.SQL("member_id = %(member)s"))
        params["member"] = where.member_id
    if where.due_before is not None:
        found.append(sql.SQL("due_on < %(due_before)s"))
        params["due_before"] = where.due_before
    if resume is not None and resume[0] == rank:
        found.append(sql.SQL("(due_on, task_id) > (%(after_due)s, %(after_id)s)"))
        params["after_due"], params["after_id"] = resume[1], resume[2]
    return sql.SQL(
        "(SELECT *, {} AS rank FROM outreach_tasks WHERE {} "
        "ORDER BY due_on, task_id LIMIT %(limit)s)"
    ).format(sql.Literal(rank), sql.SQL(" AND ").join(found))
