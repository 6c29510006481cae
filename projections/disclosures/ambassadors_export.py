"""Marketing's export of ambassadors: the member set fixed and recorded, then streamed as CSV.

One REPEATABLE READ transaction serves the whole export: its rows are selected once, into
a temporary table dropped at commit; the ids of the members it holds are read from it and
handed to `record` (which records the disclosure event), then exactly those rows stream
from it through a server-side cursor, a page at a time, in constant memory. The file and
its record therefore always name the same members. Only members whose MARKETING_EMAIL
consent holds at the moment of export, and who are not erased, are in it; e-mails are
opened with one key query per page, read after the record, so a member erased while the
file streams comes out without name or e-mail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from psycopg import ClientCursor, Connection, ServerCursor, sql
from psycopg_pool import ConnectionPool

from domain.interactions.engagement import EngagementRule
from projections.ahead import read_ahead
from projections.csv_cells import csv_bytes, text_cell
from projections.personal import EMAIL, PersonalData, open_page

EXPORT_PAGE = 2_000
MARKETING_EMAIL = "marketing_email"

COLUMNS = (
    "member id",
    "display name",
    "email",
    "tier",
    "since",
    "term ends",
    "channels",
    "engagement score",
)
HEADER = csv_bytes([list(COLUMNS)])

# The contract's consent predicate (CONTRACT14.md): the latest event per purpose gives it,
# and an expiry at or before the moment of export ends it. No row: no consent.
_CONSENTS = (
    "EXISTS (SELECT FROM member_consents c WHERE c.member_id = a.member_id"
    " AND c.purpose = %(purpose)s AND c.given"
    " AND (c.expires_at IS NULL OR c.expires_at > %(at)s))"
)
_ISO = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
# The score now from the rank key (domain/interactions/engagement.py score_at):
# 2^(rank key - half-lives since the epoch), the exponent kept where float8 neither
# overflows nor underflows (no activity, -Infinity, scores 0).
_SCORE = (
    "round(power(2::float8, greatest(least(coalesce(e.rank_key, '-Infinity')"
    " - %(halvings)s, 1000), -1000))::numeric, 3)::text"
)
# PostgreSQL renders every cell but the e-mail (sealed): the member id, the name cell (kept
# apart: a member erased while the file streams has it blanked), and the rest of the line.
# Ids, times and scores never need quoting nor neutralising (a score is never negative).
_AFTER_EMAIL = (
    "crm_csv_cell(a.tier)",
    f"coalesce({_ISO.format('a.since')}, '')",
    f"coalesce({_ISO.format('a.term_ends')}, '')",
    "crm_csv_cell(array_to_string(m.channels, ';'))",
    _SCORE,
)
_ROWS = (
    "SELECT a.member_id, crm_csv_cell(m.display_name) AS name, m.sealed_email,"
    f" ',' || concat_ws(',', {', '.join(_AFTER_EMAIL)}) || E'\\r\\n' AS after"
    " FROM ambassadors a JOIN members m USING (member_id)"
    " LEFT JOIN member_engagement e USING (member_id)"
    " WHERE a.status = %(status)s AND m.status <> 'erased' AND " + _CONSENTS
)
# The export's rows, selected once into a table of the transaction (the heavy query: a
# join over every member); the member set and the file are both read from it.
_KEEP = "CREATE TEMPORARY TABLE ambassador_export ON COMMIT DROP AS "
_KEPT_IDS = "SELECT member_id::text FROM ambassador_export"
_KEPT_ROWS = (
    "SELECT member_id::text, name, sealed_email, after FROM ambassador_export ORDER BY member_id"
)
# The candidacy rule the program's lists came from: the latest evaluation run's.
_CANDIDACY_RULE = (
    "SELECT rule_version FROM ambassador_candidacy_runs ORDER BY finished_at DESC LIMIT 1"
)


@dataclass(frozen=True)
class AmbassadorFilter:
    """Which ambassadors to export: a program status (active by default), a tier, a channel."""

    status: str = "active"
    tier: str | None = None
    channel: str | None = None

    def as_record(self) -> dict[str, str]:
        """The filter as the disclosure records it (only what was asked, and the status)."""
        found = {"status": self.status, "tier": self.tier, "channel": self.channel}
        return {name: value for name, value in found.items() if value is not None}


@dataclass(frozen=True)
class Snapshot:
    """What an export holds, fixed before any row leaves: the members and the rule in force."""

    member_ids: list[str]  # as text, as the disclosure records them
    candidacy_rule: str | None
    at: datetime


# Records the disclosure of the snapshot's members; raises to stop the export unsent.
Record = Callable[[Snapshot], object]


class AmbassadorExport:
    """Consenting ambassadors as RFC 4180 CSV, recorded as a disclosure before they stream."""

    def __init__(
        self,
        pool: ConnectionPool,
        personal: PersonalData,
        engagement: EngagementRule,
        *,
        page_size: int = EXPORT_PAGE,
    ) -> None:
        self.pool = pool
        self.personal = personal
        self.engagement = engagement
        self.page_size = page_size

    def csv(self, where: AmbassadorFilter, at: datetime, record: Record) -> Iterator[bytes]:
        """The header (once the export is recorded), then one chunk of CSV bytes per page.

        Nothing is yielded before `record` returned: a caller may take the first chunk to
        learn, before answering, that the export was recorded (or why it could not be).
        """
        params = _params(where, at) | {"halvings": self.engagement.halvings(at)}
        with self.pool.connection() as conn, conn.transaction():
            # One snapshot for the ids and the rows: what is recorded is what is sent. Not
            # READ ONLY: the rows are kept in a temporary table (nothing else is written).
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            # Bound on the client: PostgreSQL takes no parameters in CREATE TABLE AS.
            ClientCursor(conn).execute(_query(_KEEP + _ROWS, where, ordered=False), params)
            snapshot = _snapshot(conn, at)
            # The kept rows from a server-side cursor (binary: e-mails come as bytes).
            with conn.cursor(f"ambassador_export_{uuid4().hex}", binary=True) as cursor:
                cursor.execute(_KEPT_ROWS)
                # The rows are sorted and their first page read while the export is
                # recorded (the record is saved on another connection); none leaves before.
                with ThreadPoolExecutor(1, thread_name_prefix="export-record") as recording:
                    recorded = recording.submit(record, snapshot)
                    first = cursor.fetchmany(self.page_size)
                    recorded.result()
                yield HEADER
                yield from self._pages(cursor, first)

    def _pages(self, cursor: ServerCursor[Any], first: list[Any]) -> Iterator[bytes]:
        """The CSV chunks of the cursor's rows, its first page already read."""
        # Three stages, each waiting on its own: one thread fetches pages, one looks up
        # their keys, and this one opens e-mails and joins lines (as the feedback export).
        with (
            closing(read_ahead(self._fetched(cursor, first))) as pages,
            closing(read_ahead(self._keyed(pages))) as keyed,
        ):
            for rows, emails in keyed:
                yield _lines(rows, emails)

    def _fetched(self, cursor: ServerCursor[Any], rows: list[Any]) -> Iterator[list[Any]]:
        """The cursor's rows, a page at a time, from the first page read."""
        while rows:
            yield rows
            rows = cursor.fetchmany(self.page_size)

    def _keyed(self, pages: Iterator[list[Any]]) -> Iterator[tuple[list[Any], dict[str, Any]]]:
        """Each page with its members' e-mails opened, their keys read fresh (one query a
        page): a member erased since the export was recorded has none."""
        keyring = self.personal.keyring
        for rows in pages:
            yield rows, open_page(keyring, [(r[0], r[2]) for r in rows], EMAIL)


_GONE = object()


def _lines(rows: list[Any], emails: dict[str, Any]) -> bytes:
    """A page's CSV lines: SQL's cells around the opened e-mail. A member whose key is gone
    (erased while the file streams) has neither name nor e-mail."""
    lines: list[str] = []
    append = lines.append
    for member_id, name, _, after in rows:
        email = emails.get(member_id, _GONE)
        if email is _GONE:
            append(f"{member_id},,{after}")
        else:
            append(f"{member_id},{name},{text_cell(email)}{after}")
    return "".join(lines).encode()


def _snapshot(conn: Connection[Any], at: datetime) -> Snapshot:
    """The members the export holds (as kept), and the rule in force in its snapshot."""
    members = [row[0] for row in conn.execute(_KEPT_IDS).fetchall()]
    rule = conn.execute(_CANDIDACY_RULE).fetchone()
    return Snapshot(members, rule[0] if rule else None, at)


def _params(where: AmbassadorFilter, at: datetime) -> dict[str, Any]:
    """The query parameters of a filter at the moment of export."""
    params: dict[str, Any] = {"status": where.status, "purpose": MARKETING_EMAIL, "at": at}
    return params | {"tier": where.tier, "channel": where.channel}


def _query(select: str, where: AmbassadorFilter, *, ordered: bool = True) -> sql.Composed:
    """The SELECT with only the conditions asked for, in member id order if `ordered`."""
    parts = [sql.SQL(select)]
    if where.tier is not None:
        parts.append(sql.SQL(" AND a.tier = %(tier)s"))
    if where.channel is not None:
        parts.append(sql.SQL(" AND %(channel)s = ANY(m.channels)"))
    if ordered:
        parts.append(sql.SQL(" ORDER BY a.member_id"))
    return sql.Composed(parts)
