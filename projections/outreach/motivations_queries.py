"""Reads over the `outreach_motivations` projection: members' answers and the summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import Row
from projections.outreach.motivations import MOTIVATION_TEXT
from projections.personal import PersonalData, open_value

# Counted over members present in the member list's default sense (not erased: their rows
# are deleted); `members` holds every member with an answer.
SUMMARY = """
SELECT count(*) AS answered, count(sealed_text) AS with_text,
    coalesce((SELECT jsonb_object_agg(option, n) FROM (
        SELECT option, count(*) AS n FROM member_motivations, unnest(options) AS option
        GROUP BY option) per_option), '{}'::jsonb) AS per_option
FROM member_motivations
"""


@dataclass(frozen=True)
class MotivationSummary:
    """How many members answered, how many in their own words, and how many chose each."""

    answered: int
    with_text: int
    per_option: dict[str, int]


class MotivationQueries:
    """SQL over member_motivations; free text opened only when asked (personal data)."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def for_members(self, member_ids: Sequence[UUID], reveal: bool) -> dict[UUID, Row]:
        """Each member's latest answer (absent when none); `text` opened only with `reveal`."""
        rows = self._rows(
            "SELECT * FROM member_motivations WHERE member_id = ANY(%s)", (list(member_ids),)
        )
        keys = self.personal.reader_keys({r["member_id"] for r in rows}) if reveal and rows else {}
        for row in rows:
            sealed = row.pop("sealed_text")
            key = keys.get(row["member_id"])
            row["text"] = open_value(key, sealed, MOTIVATION_TEXT, row["member_id"])
        return {r["member_id"]: r for r in rows}

    def summary(self) -> MotivationSummary:
        """The counts over every member's latest answer."""
        row = self._rows(SUMMARY)[0]
        return MotivationSummary(row["answered"], row["with_text"], dict(row["per_option"]))

    def _rows(self, query: Any, params: Any = ()) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()
