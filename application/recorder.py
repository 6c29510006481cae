"""The event recorder, extended to write identity claims and shred keys atomically."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Identifier

from application.bulk_insert import copy_new_events
from application.identities import IdentityClaimTaken
from application.log import EventGroup
from domain.members.member import Member

__all__ = ["CommunityRecorder", "IdentityClaimTaken"]

CLAIMS_CONSTRAINT = "identity_claims_pkey"
# Below this many events, parameters in one statement beat a COPY's round trips.
COPY_THRESHOLD = 100
INSERT_ARRAYS = """
INSERT INTO {table} (originator_id, originator_version, topic, state)
SELECT originator_id, originator_version, topic, state
FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[]) WITH ORDINALITY
    AS e(originator_id, originator_version, topic, state, seq)
ORDER BY seq
ON CONFLICT DO NOTHING RETURNING originator_id, notification_id
"""

# One primary-key range scan per aggregate, whatever the planner thinks of the table:
# with `= ANY(ids)`, or a plain join, and no statistics yet after a bulk import, it chose
# a parallel scan of the whole log (3 to 8 s for 1,000 members of 1M). The ORDER BY keeps
# the subquery from being flattened into such a join. The same estimates would make it
# compile the query (JIT), which costs more than the lookups.
SELECT_STREAMS = """
SELECT e.originator_id, e.originator_version, e.topic, e.state
FROM unnest(%s::uuid[]) AS wanted(id)
CROSS JOIN LATERAL (
    SELECT originator_id, originator_version, topic, state FROM {table}
    WHERE originator_id = wanted.id ORDER BY originator_version
) AS e
"""

# Which of these aggregates are already in the log, one primary-key probe each (the LIMIT
# keeps the subquery from being flattened into a join planned as a scan, as above).
SELECT_STORED = """
SELECT e.originator_id
FROM unnest(%s::uuid[]) AS wanted(id)
CROSS JOIN LATERAL (
    SELECT originator_id FROM {table}
    WHERE originator_id = wanted.id AND originator_version = 1 LIMIT 1
) AS e
"""


class CommunityRecorder(PostgresApplicationRecorder):
    """Writes claims, releases and key shredding in the same transaction as the events.

    save() keyword arguments: claims=[(hash, member_id)], releases=[hash], shred=[member_id].
    """

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert in one transaction, telling a claim conflict from a version conflict.

        The library sends these statements in psycopg's pipeline mode, which deadlocks when
        one statement is larger than a Unix socket's buffer (psycopg 3.3; PostgreSQL 15
        and 18): a large batch on the embedded server never returned. A plain transaction
        costs a few local round trips more and has no such limit.
        """
        try:
            with self.datastore.transaction(commit=True) as curs:
                self._insert_events(curs, stored_events, **kwargs)
                if not stored_events:
                    return []
                self._insert_stored_events(curs, stored_events, **kwargs)
                return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        except IntegrityError as error:
            _raise_if_claim_taken(error)
            raise

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_event_groups(self, groups: Sequence[EventGroup]) -> list[Sequence[int] | Exception]:
        """Every group in one transaction under the table lock, each under a savepoint: a
        group that conflicts (a version another writer took, a handle another member
        claimed) is rolled back alone and answered with its error; the others commit."""
        outcomes: list[Sequence[int] | Exception] = []
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            for group in groups:
                outcomes.append(self._insert_group(curs, group))
        return outcomes

    def _insert_group(self, curs: Cursor[DictRow], group: EventGroup) -> Sequence[int] | Exception:
        kwargs = {"claims": group.claims, "releases": group.releases, "shred": group.shred}
        try:
            with curs.connection.transaction():
                self._insert_events(curs, group.stored_events, **kwargs)
                if not group.stored_events:
                    return []
                self._insert_stored_events(curs, group.stored_events)
                return self._fetch_ids_after_insert_events(curs, group.stored_events) or []
        except psycopg.IntegrityError as error:
            wrapped = IntegrityError(str(error))
            wrapped.__cause__ = error
            try:
                _raise_if_claim_taken(wrapped)
            except IdentityClaimTaken as taken:
                return taken
            return wrapped

    def insert_events_skipping_duplicates(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> list[tuple[UUID, int]]:
        """Insert the events whose (originator, version) is new; return those inserted.

        Used where the id itself says "already recorded" (interactions keyed by their
        source's external id): a duplicate is skipped, not an error. With
        new_members={member_id: [interaction_id]}, a member first seen through those
        interactions is recorded (events and claims) only if one of them is new.

        Large batches are probed for events already stored and the rest sent by binary
        COPY straight into the log (application/bulk_insert.py); small ones go as arrays
        in one statement. Either way under the table lock, which keeps the log's order.
        """
        try:
            return self._insert_skipping_duplicates(stored_events, **kwargs)
        except IntegrityError as error:
            _raise_if_claim_taken(error)
            raise

    def _insert_skipping_duplicates(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        new_members: Mapping[UUID, Sequence[UUID]] | None = None,
        **kwargs: Any,
    ) -> list[tuple[UUID, int]]:
        with self.datastore.transaction(commit=True) as curs:
            # The table lock first (then the claims), as every writer of the log takes it.
            self._lock_table(curs)
            if new_members:
                # Under the table lock, so that no other writer can record the same
                # interactions between this check and the insert.
                unneeded = self._members_without_new_events(curs, new_members)
                stored_events = [e for e in stored_events if e.originator_id not in unneeded]
                claims = [c for c in kwargs.pop("claims", ()) if c[1] not in unneeded]
                kwargs["claims"] = claims
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return []
            self._notify_channel(curs)
            if len(stored_events) >= COPY_THRESHOLD:
                return copy_new_events(curs, self.events_table_name, stored_events)
            # Plain tuples: a dict per returned row costs more than the insert itself.
            returning = curs.connection.cursor(row_factory=tuple_row)
            columns = (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            )
            table = Identifier(self.events_table_name)
            returning.execute(SQL(INSERT_ARRAYS).format(table=table), columns)
            return returning.fetchall()

    def _members_without_new_events(
        self, curs: Cursor[DictRow], new_members: Mapping[UUID, Sequence[UUID]]
    ) -> set[UUID]:
        """The new members none of whose events (by originator id) is new to the log."""
        wanted = list({event for events in new_members.values() for event in events})
        curs.execute("SET LOCAL jit = off")
        curs.execute(SQL(SELECT_STORED).format(table=Identifier(self.events_table_name)), (wanted,))
        stored = {row["originator_id"] for row in curs.fetchall()}
        return {
            member_id
            for member_id, events in new_members.items()
            if all(event in stored for event in events)
        }

    def member_states(self, member_ids: Sequence[UUID]) -> dict[UUID, bool]:
        """Which of these ids are members, each with whether the member was erased."""
        if not member_ids:
            return {}
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT e.originator_id, k.wrapped_key IS NULL AS erased FROM {table} e"
                    " LEFT JOIN personal_data_keys k ON k.subject_id = e.originator_id"
                    " WHERE e.originator_id = ANY(%s) AND e.originator_version = 1"
                    " AND e.topic = %s"
                ).format(table=Identifier(self.events_table_name)),
                (list(member_ids), Member.Joined.TOPIC),
            )
            return {row["originator_id"]: row["erased"] for row in curs.fetchall()}

    def select_streams(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every event of these aggregates in one query, each stream in version order."""
        if not originator_ids:
            return []
        with self.datastore.transaction(commit=False) as curs:
            curs.execute("SET LOCAL jit = off")
            curs.execute(
                SQL(SELECT_STREAMS).format(table=Identifier(self.events_table_name)),
                (list(originator_ids),),
            )
            rows = sorted(
                curs.fetchall(), key=lambda r: (r["originator_id"], r["originator_version"])
            )
        return [
            StoredEvent(r["originator_id"], r["originator_version"], r["topic"], r["state"])
            for r in rows
        ]

    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        releases: list[bytes] = list(kwargs.get("releases", ()))
        claims: list[tuple[bytes, UUID]] = list(kwargs.get("claims", ()))
        shred: list[UUID] = list(kwargs.get("shred", ()))
        if stored_events or releases or claims or shred:
            # The table lock first, then the claims: two writers claiming the same handle
            # would otherwise each hold a claim the other waits for, one of them waiting
            # for the table lock too (a deadlock). Locked first, the loser of a race finds
            # the winner's claim committed and fails at once with a unique violation.
            self._lock_table(curs)
        if releases:
            curs.execute("DELETE FROM identity_claims WHERE claim_hash = ANY(%s)", (releases,))
        if claims:
            curs.execute(
                "INSERT INTO identity_claims (claim_hash, member_id)"
                " SELECT * FROM unnest(%s::bytea[], %s::uuid[])",
                ([h for h, _ in claims], [m for _, m in claims]),
            )
        if shred:
            curs.execute("DELETE FROM identity_claims WHERE member_id = ANY(%s)", (shred,))
            curs.execute(
                "UPDATE personal_data_keys SET wrapped_key = NULL, shredded_at = now()"
                " WHERE subject_id = ANY(%s)",
                (shred,),
            )
        super()._insert_events(curs, stored_events, **kwargs)


def _raise_if_claim_taken(error: IntegrityError) -> None:
    """Turn a collision on an identity claim into IdentityClaimTaken."""
    if _constraint(error) == CLAIMS_CONSTRAINT:
        raise IdentityClaimTaken(str(error)) from error


def _constraint(error: BaseException) -> str | None:
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", None)
