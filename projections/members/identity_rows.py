"""The identities a page of member events touches: loaded, folded in log order, written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor

from domain.members.member import Member
from projections.personal import HANDLE, Keys, PersonalData, seal_value
from projections.unnest import as_columns

# Joins and UNION rather than IN and OR, so that both lookups use their index.
LOAD_IDENTITIES = """
SELECT i.channel, i.handle_key, i.sealed_handle, i.member_id, i.linked_at
FROM member_identities i
JOIN unnest(%s::text[], %s::bytea[]) AS k(channel, handle_key)
    ON i.channel = k.channel AND i.handle_key = k.handle_key
UNION
SELECT channel, handle_key, sealed_handle, member_id, linked_at FROM member_identities
WHERE member_id = ANY(%s::uuid[])
"""
DELETE_IDENTITIES = """
DELETE FROM member_identities i USING unnest(%s::text[], %s::bytea[]) AS k(channel, handle_key)
WHERE i.channel = k.channel AND i.handle_key = k.handle_key
"""
INSERT_IDENTITIES = """
INSERT INTO member_identities (channel, handle_key, sealed_handle, member_id, linked_at)
SELECT * FROM unnest(%s::text[], %s::bytea[], %s::bytea[], %s::uuid[], %s::timestamptz[])
"""
# (channel, handle's blind index) of an identity, and its row (channel, key, handle, member,
# linked at), whose handle is plaintext when the page links it and sealed when stored.
IdentityKey = tuple[str, bytes]
IdentityRow = tuple[str, bytes, Any, UUID, datetime]


class IdentityChanges:
    """The identities a page touches: their stored rows, folded through the page's events."""

    def __init__(self, stored: Iterable[IdentityRow]) -> None:
        self.before: dict[IdentityKey, IdentityRow] = {(r[0], r[1]): r for r in stored}
        self.after: dict[IdentityKey, IdentityRow | None] = dict(self.before)

    def link(self, row: IdentityRow) -> None:
        """The handle is the member's now, whoever held it before."""
        key = (row[0], row[1])
        self.after.pop(key, None)  # re-inserted last: rows are written in log order
        self.after[key] = row

    def unlink(self, key: IdentityKey, member_id: UUID) -> None:
        """Only the member's own link goes."""
        row = self.after.get(key)
        if row is not None and row[3] == member_id:
            self.after[key] = None

    def erase(self, member_id: UUID) -> None:
        """Every handle of the member goes."""
        for key, row in self.after.items():
            if row is not None and row[3] == member_id:
                self.after[key] = None

    def changed(self) -> tuple[list[IdentityKey], list[IdentityRow]]:
        """Stored keys to delete, then rows to insert, for the page's end state."""
        different = {k: r for k, r in self.after.items() if self.before.get(k) != r}
        deleted = [k for k in different if k in self.before]
        inserted = [r for r in different.values() if r is not None]
        return deleted, inserted


def load_identities(
    cursor: Cursor[Any], events: Sequence[Any], personal: PersonalData
) -> IdentityChanges:
    """The stored rows of the handles the page links or unlinks, and of erased members."""
    keys = {
        (e.channel, personal.handle_key(e.handle))
        for e in events
        if type(e) in (Member.IdentityLinked, Member.IdentityUnlinked) and e.handle is not None
    }
    erased = [e.originator_id for e in events if type(e) is Member.Erased]
    if not keys and not erased:
        return IdentityChanges(())
    channels, handle_keys = as_columns(keys, 2)
    cursor.execute(LOAD_IDENTITIES, (channels, handle_keys, erased))
    return IdentityChanges(cursor.fetchall())


def write_identities(cursor: Cursor[Any], identities: IdentityChanges, keys: Keys) -> None:
    """Delete the stored rows the page changed, then insert its links, sealed."""
    deleted, inserted = identities.changed()
    if deleted:
        cursor.execute(DELETE_IDENTITIES, as_columns(deleted, 2))
    if inserted:
        # Rows to insert are the page's links: their handles are still plaintext here.
        sealed = [
            (
                channel,
                handle_key,
                seal_value(keys.get(member_id), handle, HANDLE, f"{member_id}:{channel}"),
                member_id,
                linked_at,
            )
            for channel, handle_key, handle, member_id, linked_at in inserted
        ]
        cursor.execute(INSERT_IDENTITIES, as_columns(sealed, 5))
