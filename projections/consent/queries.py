"""Reads of the consent read model: the texts, and a member's consents with proof and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.consent import ConsentPurpose, ConsentRecord, holds
from projections.consent.projection import CONSENT_NOTE, note_owner
from projections.personal import PersonalData, open_value

# A member's consent events shown at most (newest kept): answers are few, a loop is not.
MAX_HISTORY = 500

TEXTS = """
SELECT purpose, version, text, encode(sha256, 'hex') AS sha256, registered_at, registered_by
FROM consent_texts WHERE purpose = %s ORDER BY position
"""
# The current answer per purpose, with the wording it was given to.
CURRENT = """
SELECT c.purpose, c.given, c.text_version, c.source, c.recorded_by, c.at, c.expires_at,
    c.position, t.text, encode(t.sha256, 'hex') AS text_sha256
FROM member_consents c
LEFT JOIN consent_texts t ON t.purpose = c.purpose AND t.version = c.text_version
WHERE c.member_id = %s
"""
HISTORY = """
SELECT * FROM (
    SELECT purpose, given, text_version, source, recorded_by, recorded_with, at, expires_at,
        position, sealed_note
    FROM consent_history WHERE member_id = %s ORDER BY position DESC LIMIT %s
) h ORDER BY position
"""


@dataclass(frozen=True)
class MemberConsents:
    """A member's current answer per purpose (absent: none recorded) and every answer."""

    current: dict[ConsentPurpose, dict[str, Any]]
    history: list[dict[str, Any]]

    def holds(self, purpose: ConsentPurpose, at: datetime) -> bool:
        """Whether the member's consent to the purpose holds at `at` (no record: no)."""
        row = self.current.get(purpose)
        return holds(None if row is None else record_of(row), at)


def record_of(row: dict[str, Any]) -> ConsentRecord:
    """A consent row as the domain's rules read it."""
    return ConsentRecord(
        ConsentPurpose(row["purpose"]), row["given"], row["at"], row["position"], row["expires_at"]
    )


class ConsentQueries:
    """SQL over consent_texts, member_consents and consent_history."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def texts(self, purpose: ConsentPurpose) -> list[dict[str, Any]]:
        """Every registered version of a purpose's text, oldest first."""
        return self._rows(TEXTS, (purpose.value,))

    def for_member(self, member_id: UUID) -> MemberConsents:
        """The member's consents; notes opened with the member's key (none once erased)."""
        current = self._rows(CURRENT, (member_id,))
        history = self._rows(HISTORY, (member_id, MAX_HISTORY))
        key = None
        if any(row["sealed_note"] is not None for row in history):
            key = self.personal.reader_keys([member_id]).get(member_id)
        for row in history:
            sealed = row.pop("sealed_note")
            owner = note_owner(member_id, row["position"])
            row["note"] = open_value(key, sealed, CONSENT_NOTE, owner)
        return MemberConsents({ConsentPurpose(r["purpose"]): r for r in current}, history)

    def _rows(self, query: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(query, params).fetchall()
