"""Erasure made physically complete: tables that held a member's data are rewritten.

Display names stay plaintext in `members` (the list sorts by them), and an erasure leaves
dead row versions behind: of the name there, of the keyed hashes of its starts (name
search), of the blind indexes of the member's handles and e-mail, of the identity claims, and of the
wrapped key in `personal_data_keys`. After a batch of erasures the projection worker
rewrites those tables (VACUUM FULL writes only the live rows into new files and drops the
old ones), then switches to a new WAL segment and checkpoints, so that the old segments
are removed (the embedded server is configured to delete them rather than recycle them).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

# The tables whose dead rows could still tell something of an erased member: names, keys and
# blind indexes (keyed hashes of e-mails, handles and feedback words). Sealed values need no
# rewrite: their key is gone.
COMPACTED_TABLES = (
    "members",
    # Keyed hashes of the starts of names, which name search matches.
    "member_name_terms",
    # The same, staged by a rebuild (emptied when it ends, but one may be cut short).
    "member_name_terms_replay",
    "member_identities",
    "identity_claims",
    "personal_data_keys",
    "feedback_terms",
    # The program's free-text reasons, deleted on erasure (projections/ambassadors).
    "ambassadors",
    "ambassador_history",
)
# Any constant works: one compaction at a time, whichever process runs it.
COMPACTION_LOCK_KEY = 0x43524D43  # "CRMC"
# The worker loop asks whether a compaction is due at most this often.
CHECK_EVERY_SECONDS = 1.0
# How long a rewrite waits for its table locks before giving up until the next check: a
# rewrite queued behind a long read would hold every other query back.
LOCK_TIMEOUT = "10s"
# After such a failure, how long before trying again (each try holds queries back).
RETRY_AFTER_SECONDS = 60.0

PENDING = """
SELECT member_id FROM erasure_compactions
WHERE compacted_at IS NULL
    AND (SELECT min(erased_at) FROM erasure_compactions WHERE compacted_at IS NULL)
        <= now() - make_interval(secs => %s)
"""


def pending_compactions(pool: ConnectionPool) -> tuple[int, datetime | None]:
    """How many erasures still wait for their tables to be rewritten, and since when."""
    with pool.connection() as conn:
        row = conn.execute(
            "SELECT count(*), min(erased_at) FROM erasure_compactions WHERE compacted_at IS NULL"
        ).fetchone()
    assert row is not None
    return int(row[0]), row[1]


class ErasureCompactor:
    """Rewrites the compacted tables once the oldest pending erasure is `delay` old."""

    def __init__(self, pool: ConnectionPool, database_url: str, delay_seconds: float) -> None:
        self.pool = pool
        self.database_url = database_url
        self.delay_seconds = delay_seconds
        self._next_check = 0.0
        self._warned: set[str] = set()

    def run_if_due(self) -> bool:
        """Compact if a pending erasure has waited long enough; True when it did."""
        now = time.monotonic()
        if now < self._next_check:
            return False
        self._next_check = now + CHECK_EVERY_SECONDS
        with self.pool.connection() as conn:
            due = conn.execute(PENDING, (self.delay_seconds,)).fetchall()
        if not due:
            return False
        return self.compact([member_id for (member_id,) in due])

    def compact(self, member_ids: list[Any]) -> bool:
        """Rewrite the tables, flush the WAL, and record these erasures as compacted."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            locked = conn.execute(
                "SELECT pg_try_advisory_lock(%s)", (COMPACTION_LOCK_KEY,)
            ).fetchone()
            assert locked is not None  # a SELECT of one function call returns one row
            if not locked[0]:
                return False  # another process is at it
            try:
                conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(LOCK_TIMEOUT)))
                tables = sql.SQL(", ").join(sql.Identifier(t) for t in COMPACTED_TABLES)
                try:
                    conn.execute(sql.SQL("VACUUM (FULL) {}").format(tables))
                except psycopg.errors.LockNotAvailable:
                    self._next_check = time.monotonic() + RETRY_AFTER_SECONDS
                    log.warning(
                        "erasure compaction waited too long for its tables; retrying in %.0f s",
                        RETRY_AFTER_SECONDS,
                    )
                    return False
                self._flush_wal(conn)
                conn.execute(
                    "UPDATE erasure_compactions SET compacted_at = now()"
                    " WHERE member_id = ANY(%s) AND compacted_at IS NULL",
                    (member_ids,),
                )
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (COMPACTION_LOCK_KEY,))
        log.info("erasure compaction done for %d erased member(s)", len(member_ids))
        return True

    def _flush_wal(self, conn: psycopg.Connection[Any]) -> None:
        """Leave the WAL segment that saw the old rows, then checkpoint so it is removed.

        Both need rights the application's role may lack (superuser, or pg_checkpoint and
        EXECUTE on pg_switch_wal): then the server's own checkpoints remove the segments
        later, and this is said once in the log.
        """
        for statement in ("SELECT pg_switch_wal()", "CHECKPOINT"):
            try:
                conn.execute(statement)
            except (
                psycopg.errors.InsufficientPrivilege,
                psycopg.errors.ObjectNotInPrerequisiteState,
            ) as error:
                if statement not in self._warned:
                    self._warned.add(statement)
                    log.warning(
                        "erasure compaction could not run %s (%s): old WAL segments go at the"
                        " server's next checkpoints instead (see README, Personal data)",
                        statement,
                        error,
                    )
