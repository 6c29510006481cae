"""Reads over the `ambassadors` projection: keyset pages, one member's ambassadorship with its
history, the activity per quarter, and the terms due to expire.

Contact fields: an ambassador's e-mail is opened (one key query per page) only when the
caller may see it: every ambassador's (`ContactAccess.ALL`), only those whose marketing
e-mail consent holds now (`CONSENTING`, the marketing role), or none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import Keyset, Page, Row
from projections.personal import EMAIL, PersonalData, open_value

# Newest nominations first; ties by member id.
KEYSET = Keyset("ambassadors:nominated", itemgetter("nominated_at"), "member_id", datetime)
# The interaction kinds that make an ambassador's activity, by the name activity shows.
ACTIVITY_KINDS = {
    "talk_given": "talks",
    "content_shared": "content",
    "referral": "referrals",
    "event_hosted": "events_hosted",
}
# The contract's "consent holds for purpose P at instant T" (CONTRACT14.md), for P = e-mail.
MARKETING_CONSENT = """EXISTS (SELECT FROM member_consents c WHERE c.member_id = a.member_id
    AND c.purpose = 'marketing_email' AND c.given
    AND (c.expires_at IS NULL OR c.expires_at > %(now)s))"""
COLUMNS = f"""a.member_id, a.status, a.tier, a.nominated_at, a.nominated_by, a.since,
    a.term_ends, a.rule_version, a.factors, a.reason, a.incident_id, a.version, a.changed_at,
    m.sealed_email, {MARKETING_CONSENT} AS marketing_consent"""
FROM = "ambassadors a LEFT JOIN members m ON m.member_id = a.member_id"
ACTIVITY = """
SELECT date_trunc('quarter', occurred_at AT TIME ZONE 'UTC') AS quarter, kind, count(*) AS n
FROM member_interactions WHERE member_id = %s AND kind = ANY(%s)
GROUP BY 1, 2 ORDER BY 1
"""


class ContactAccess(Enum):
    """Whose contact fields a reader sees."""

    ALL = "all"
    CONSENTING = "consenting"
    NONE = "none"


@dataclass(frozen=True)
class AmbassadorFilter:
    """Which ambassadors to list (None: any)."""

    status: str | None = None
    tier: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class QuarterActivity:
    """What an ambassador did in one calendar quarter (UTC)."""

    year: int
    quarter: int
    talks: int = 0
    content: int = 0
    referrals: int = 0
    events_hosted: int = 0


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AmbassadorQueries:
    """SQL over the program's read tables (and members, consents, interactions by the contract)."""

    def __init__(
        self,
        pool: ConnectionPool,
        personal: PersonalData,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.pool = pool
        self.personal = personal
        self.clock = clock

    def page(
        self, where: AmbassadorFilter, first: int, after: str | None, contact: ContactAccess
    ) -> Page:
        """A page after the cursor: its rows (e-mails opened as allowed) and cursors."""
        found, params = _conditions(where)
        params["now"] = self.clock()
        if after:
            params["key"], params["after_id"] = KEYSET.decode(after)
            found.append("(a.nominated_at, a.member_id) < (%(key)s, %(after_id)s)")
        params["limit"] = first + 1
        query = (
            f"SELECT {COLUMNS} FROM {FROM} WHERE {' AND '.join(found)}"
            " ORDER BY a.nominated_at DESC, a.member_id DESC LIMIT %(limit)s"
        )
        page = KEYSET.page(self._rows(query, params), first)
        self._opened(page.rows, contact)
        return page

    def by_member(self, member_id: UUID, contact: ContactAccess) -> Row | None:
        """The member's ambassadorship row; None if never nominated."""
        query = f"SELECT {COLUMNS} FROM {FROM} WHERE a.member_id = %(member)s"
        rows = self._rows(query, {"member": member_id, "now": self.clock()})
        return self._opened(rows, contact)[0] if rows else None

    def history(self, member_id: UUID) -> list[Row]:
        """The member's program moves, in log order."""
        return self._rows(
            "SELECT * FROM ambassador_history WHERE member_id = %s ORDER BY position",
            (member_id,),
        )

    def activity(self, member_id: UUID) -> list[QuarterActivity]:
        """Talks, content, referrals and events hosted per calendar quarter, oldest first."""
        quarters: dict[datetime, dict[str, int]] = {}
        for row in self._rows(ACTIVITY, (member_id, list(ACTIVITY_KINDS))):
            quarters.setdefault(row["quarter"], {})[ACTIVITY_KINDS[row["kind"]]] = row["n"]
        return [
            QuarterActivity(year=q.year, quarter=(q.month - 1) // 3 + 1, **counts)
            for q, counts in sorted(quarters.items())
        ]

    def terms_due(self, now: datetime) -> list[UUID]:
        """TermsDue: running terms that ended at or before `now` (ambassadors_term_idx)."""
        rows = self._rows(
            "SELECT member_id FROM ambassadors WHERE term_ends <= %s"
            " AND status IN ('active', 'paused') ORDER BY term_ends, member_id",
            (now,),
        )
        return [row["member_id"] for row in rows]

    def _opened(self, rows: list[Row], contact: ContactAccess) -> list[Row]:
        """Each row with `email` opened where the reader may see it, else None."""
        shown = [r for r in rows if _shows_contact(r, contact)]
        keys = self.personal.reader_keys(r["member_id"] for r in shown) if shown else {}
        for row in rows:
            sealed = row.pop("sealed_email", None)
            key = keys.get(row["member_id"]) if _shows_contact(row, contact) else None
            row["email"] = open_value(key, sealed, EMAIL, row["member_id"])
        return rows

    def _rows(self, query: Any, params: Any = ()) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()


def _shows_contact(row: Row, contact: ContactAccess) -> bool:
    if contact is ContactAccess.CONSENTING:
        return bool(row["marketing_consent"])
    return contact is ContactAccess.ALL


def _conditions(where: AmbassadorFilter) -> tuple[list[str], dict[str, Any]]:
    """The filter as SQL conditions and their parameters."""
    found, params = ["TRUE"], {}
    if where.status is not None:
        found.append("a.status = %(status)s")
        params["status"] = where.status
    if where.tier is not None:
        found.append("a.tier = %(tier)s")
        params["tier"] = where.tier
    if where.channel is not None:
        found.append("%(channel)s = ANY(m.channels)")
        params["channel"] = where.channel
    return found, params
