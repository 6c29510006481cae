"""Who holds which channel identity, from the claims written with the events."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from psycopg_pool import ConnectionPool

from application.keyed_hashes import IdentityHasher
from domain.values import normalise_handle

# Claims are SHA-256 digests; a batch's claims travel packed in one bytea (psycopg dumps a list
# of thousands element by element), each looked up by its primary key.
CLAIM_SIZE = 32
SELECT_HOLDERS = f"""
WITH packed(claims) AS (SELECT %s::bytea)
SELECT c.claim_hash, c.member_id
FROM packed CROSS JOIN generate_series(0, length(packed.claims) / {CLAIM_SIZE} - 1) AS k(n)
CROSS JOIN LATERAL (
    SELECT claim_hash, member_id FROM identity_claims
    WHERE claim_hash = substring(packed.claims FROM n * {CLAIM_SIZE} + 1 FOR {CLAIM_SIZE})
) AS c
"""


class IdentityClaimTaken(Exception):
    """Another member claimed this identity first; the whole save was rolled back."""


class ClaimStore(Protocol):
    """Who holds which identity: IdentityClaims on PostgreSQL, InMemoryClaimStore in tests.

    Claims are written in the event transaction (the recorder's job); this is the read side.
    """

    def claim_hash(self, channel: str, handle: str) -> bytes:
        """The claim of one identity, in its normalised form."""
        ...

    def holders(self, hashes: list[bytes]) -> dict[bytes, UUID]:
        """The current holder of each claimed hash (absent when unclaimed)."""
        ...


class IdentityClaims:
    """Look up the member holding a (channel, handle), by its keyed hash."""

    def __init__(self, pool: ConnectionPool, hasher: IdentityHasher) -> None:
        self._pool = pool
        self._hasher = hasher

    def claim_hash(self, channel: str, handle: str) -> bytes:
        """The claim of one identity, in its normalised form."""
        return self._hasher.claim_hash(channel, normalise_handle(handle))

    def holders(self, hashes: list[bytes]) -> dict[bytes, UUID]:
        """The current holder of each claimed hash (absent when unclaimed)."""
        if not hashes:
            return {}
        with self._pool.connection() as conn:
            rows = conn.execute(SELECT_HOLDERS, (b"".join(hashes),)).fetchall()
        return {bytes(h): m for h, m in rows}
