"""Keys: per-member data keys (crypto-shredding), sealing, and the secret they derive from."""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache
from typing import Protocol, cast
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from psycopg_pool import ConnectionPool

NONCE_SIZE = 12
# The subjects travel packed in one bytea, 16 bytes each: psycopg dumps a uuid[] of
# thousands element by element, ten times slower. One primary-key probe per subject.
SELECT_KEYS = """
WITH packed(ids) AS (SELECT %s::bytea)
SELECT k.subject_id, k.wrapped_key
FROM packed CROSS JOIN generate_series(0, length(packed.ids) / 16 - 1) AS n(i)
CROSS JOIN LATERAL (
    SELECT subject_id, wrapped_key FROM personal_data_keys
    WHERE subject_id = encode(substring(packed.ids FROM i * 16 + 1 FOR 16), 'hex')::uuid
) AS k
"""


class SubjectErased(Exception):
    """The subject's key was shredded: no new personal data may be written for them."""


class SecretKeyMismatch(Exception):
    """The configured secret is not the one this database's member keys were wrapped with."""


def check_secret(pool: ConnectionPool, secret: bytes) -> None:
    """Record the secret's fingerprint on first start; refuse a different secret later."""
    fingerprint = hmac.new(derive_key(secret, "crm secret fingerprint"), b"crm", "sha256").digest()
    with pool.connection() as conn:
        conn.execute(
            "INSERT INTO secret_fingerprint (fingerprint) VALUES (%s) ON CONFLICT DO NOTHING",
            (fingerprint,),
        )
        row = conn.execute("SELECT fingerprint FROM secret_fingerprint").fetchone()
    if row is None or not hmac.compare_digest(bytes(row[0]), fingerprint):
        raise SecretKeyMismatch(
            "CRM_SECRET_KEY is not the secret this database was created with; personal data"
            " could not be read. Start with the original CRM_SECRET_KEY."
        )


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A 256-bit key for one purpose, so that no key serves two uses."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        secret
    )


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """Encrypt and authenticate; `associated` binds the ciphertext to its context."""
    nonce = os.urandom(NONCE_SIZE)
    return nonce + _cipher(key).encrypt(nonce, plaintext, associated)


def unseal(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """Decrypt what seal() produced; raises if it was tampered with."""
    return _cipher(key).decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], associated)


def cipher(key: bytes) -> AESGCM:
    """A fresh AES-GCM cipher under the key, for a caller opening many values under it."""
    return AESGCM(key)


def sealer(key: bytes) -> Callable[[bytes, bytes, bytes | None], bytes]:
    """AES-GCM encryption under the key, from the same cache seal() uses: bulk writers
    seal many values per member, batch after batch."""
    return _cipher(key).encrypt


@lru_cache(maxsize=1024)
def _cipher(key: bytes) -> AESGCM:
    # Setting up a cipher costs twice what sealing a small event does, and imports and
    # rebuilds seal many events per member in a row. Holds no more than the KeyRing does.
    return AESGCM(key)


class KeyStore(Protocol):
    """Where per-member data keys live: KeyRing on PostgreSQL, InMemoryKeyStore in tests.

    A shredded key reads as None for ever; writers asking for a shredded key get
    SubjectErased. Shredding itself happens in the event transaction (the recorder's job).
    """

    def key_for(self, subject: UUID, *, create: bool) -> bytes | None:
        """The subject's key; None once shredded (or absent and not to be created)."""
        ...

    def create_keys(self, subjects: Iterable[UUID]) -> None:
        """Make sure each subject has a key."""
        ...

    def warm(self, subjects: Iterable[UUID]) -> None:
        """Get ready to hand out these subjects' keys (writers, before a batch)."""
        ...

    def preload(self, subjects: Iterable[UUID]) -> dict[UUID, bytes | None]:
        """The stored keys of these subjects, fresh from the store (None: shredded)."""
        ...

    def wrapped_keys(self, subjects: Collection[str]) -> list[tuple[str, bytes | None]]:
        """The stored keys of these subjects (ids as text), still wrapped, fresh from the
        store (None: shredded): a long reader unwraps only those it has not seen before."""
        ...

    def unwrap(self, subject: str, wrapped: bytes) -> bytes:
        """The key that wrapped_keys gave for the subject, unwrapped."""
        ...

    def forget(self, subject: UUID) -> None:
        """Drop what is remembered of a subject (after its key was shredded)."""
        ...


class KeyRing:
    """Per-member data keys, wrapped by the secret key and kept outside the event log.

    Erasure sets a subject's key to NULL: from then on its personal data in events cannot
    be read by anyone. Unwrapped keys are cached briefly; an erased subject stays erased.
    """

    def __init__(
        self, pool: ConnectionPool, secret: bytes, *, ttl: float = 60.0, size: int = 50_000
    ) -> None:
        self._pool = pool
        self._wrapping_key = derive_key(secret, "crm member key wrapping")
        # Bound once: an export unwraps a key per member, and the lookup costs as much.
        self._open_wrapped = cipher(self._wrapping_key).decrypt
        self._ttl = ttl
        self._size = size
        self._cache: OrderedDict[UUID, tuple[bytes | None, float]] = OrderedDict()
        self._lock = threading.Lock()

    def key_for(self, subject: UUID, *, create: bool) -> bytes | None:
        """The subject's key; None once shredded (or absent and not to be created)."""
        cached = self._cached(subject)
        if cached is None:
            if create:
                self.create_keys([subject])
            else:
                self.preload([subject])
            # Just fetched: use it even if a short ttl has already run out.
            cached = self._cached(subject, expired_ok=True)
        key = cached[0] if cached is not None else None
        if create and key is None:
            raise SubjectErased(str(subject))
        return key

    def create_keys(self, subjects: Iterable[UUID]) -> None:
        """Make sure each subject has a key (bulk-friendly: one statement)."""
        wanted = [s for s in subjects if self._cached(s) is None]
        if not wanted:
            return
        keys = {subject: os.urandom(32) for subject in wanted}
        with self._pool.connection() as conn:
            created = conn.execute(
                "INSERT INTO personal_data_keys (subject_id, wrapped_key)"
                " SELECT * FROM unnest(%s::uuid[], %s::bytea[]) ON CONFLICT DO NOTHING"
                " RETURNING subject_id",
                (wanted, [self._wrap(s, k) for s, k in keys.items()]),
            ).fetchall()
        for (subject,) in created:
            self._remember(subject, keys.pop(subject))
        # Subjects that had a key already (or were erased) keep what the store holds.
        self.preload(keys)

    def warm(self, subjects: Iterable[UUID]) -> None:
        """Fetch, in one query, the keys of those subjects not already cached (writers)."""
        self.preload(s for s in set(subjects) if self._cached(s) is None)

    def preload(self, subjects: Iterable[UUID]) -> dict[UUID, bytes | None]:
        """Fetch the keys of many subjects in one query, bypassing the cache.

        Projections call it per page, so a key shredded by another process is seen at
        once there, where copies are written; readers call it per page, so an erased
        member is unreadable at once. Returns the keys found (None: shredded).
        """
        wanted = list(set(subjects))
        if not wanted:
            return {}
        with self._pool.connection() as conn:
            rows = conn.execute(SELECT_KEYS, (b"".join(s.bytes for s in wanted),)).fetchall()
        found: dict[UUID, bytes | None] = {}
        for subject, wrapped in rows:
            key = found[subject] = self._unwrap(subject, wrapped) if wrapped else None
            self._remember(subject, key)
        return found

    def wrapped_keys(self, subjects: Collection[str]) -> list[tuple[str, bytes | None]]:
        """The stored keys of these subjects (ids as text), still wrapped, in one query that
        bypasses the cache: an export pages through many members, most seen on earlier
        pages, and unwraps a key only when its wrapped bytes are new to it."""
        if not subjects:
            return []
        with self._pool.connection() as conn:
            rows = conn.execute(
                # One index probe per subject (a scan filtered by the array reads every
                # key); the ids go as one string: a list of 2,000 costs 5 ms to send.
                "SELECT subject_id::text, wrapped_key FROM personal_data_keys"
                " WHERE subject_id IN (SELECT unnest(string_to_array(%s, ',')::uuid[]))",
                (",".join(subjects),),
                binary=True,
            ).fetchall()
        return cast(list[tuple[str, bytes | None]], rows)

    def unwrap(self, subject: str, wrapped: bytes) -> bytes:
        """The key that wrapped_keys gave for the subject, unwrapped (not cached here)."""
        # The subject's 16 bytes, as UUID(subject).bytes but a tenth of the cost.
        subject_bytes = bytes.fromhex(subject.replace("-", ""))
        return self._open_wrapped(wrapped[:NONCE_SIZE], wrapped[NONCE_SIZE:], subject_bytes)

    def forget(self, subject: UUID) -> None:
        """Drop a subject from the cache (after its key was shredded)."""
        with self._lock:
            self._cache.pop(subject, None)

    def _cached(self, subject: UUID, *, expired_ok: bool = False) -> tuple[bytes | None] | None:
        with self._lock:
            entry = self._cache.get(subject)
            if entry is None:
                return None
            key, expires = entry
            # A shredded key never comes back, so a None entry never expires.
            if key is not None and expires < time.monotonic() and not expired_ok:
                del self._cache[subject]
                return None
            self._cache.move_to_end(subject)
            return (key,)

    def _remember(self, subject: UUID, key: bytes | None) -> None:
        with self._lock:
            self._cache[subject] = (key, time.monotonic() + self._ttl)
            self._cache.move_to_end(subject)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)

    def _wrap(self, subject: UUID, key: bytes) -> bytes:
        return seal(self._wrapping_key, key, subject.bytes)

    def _unwrap(self, subject: UUID, wrapped: bytes) -> bytes:
        return unseal(self._wrapping_key, bytes(wrapped), subject.bytes)
