"""In-memory key store, identity claims and recorder: the Community on POPO persistence.

Selected by PERSISTENCE_MODULE=eventsourcing.popo, as the library selects its own; unit
tests run the use cases on them in microseconds. They keep the PostgreSQL versions'
guarantees that use cases rely on: claims and key shredding land atomically with the
events, a taken claim refuses the whole save, a shredded key never comes back.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder

from application.crypto import SubjectErased
from application.identities import IdentityClaimTaken
from application.keyed_hashes import IdentityHasher
from application.log import EventGroup
from domain.members.member import Member
from domain.values import normalise_handle


class InMemoryKeyStore:
    """Per-member data keys in a dict; a shredded key is kept as None, as on PostgreSQL."""

    def __init__(self) -> None:
        self._keys: dict[UUID, bytes | None] = {}
        self._lock = threading.Lock()

    def key_for(self, subject: UUID, *, create: bool) -> bytes | None:
        """The subject's key; None once shredded (or absent and not to be created)."""
        if create:
            self.create_keys([subject])
        key = self._keys.get(subject)
        if create and key is None:
            raise SubjectErased(str(subject))
        return key

    def create_keys(self, subjects: Iterable[UUID]) -> None:
        """Give a key to each subject that never had one (an erased one stays erased)."""
        with self._lock:
            for subject in subjects:
                if subject not in self._keys:
                    self._keys[subject] = os.urandom(32)

    def warm(self, subjects: Iterable[UUID]) -> None:
        """Nothing to fetch: every key is at hand."""

    def preload(self, subjects: Iterable[UUID]) -> dict[UUID, bytes | None]:
        """The stored keys of these subjects (None: shredded)."""
        with self._lock:
            return {s: self._keys[s] for s in set(subjects) if s in self._keys}

    def wrapped_keys(self, subjects: Collection[str]) -> list[tuple[str, bytes | None]]:
        """The stored keys of these subjects (ids as text); kept unwrapped here."""
        with self._lock:
            return [(str(s), k) for s, k in self._keys.items() if str(s) in subjects]

    def unwrap(self, subject: str, wrapped: bytes) -> bytes:
        """Keys are not wrapped in memory."""
        return wrapped

    def forget(self, subject: UUID) -> None:
        """Nothing cached to drop."""

    def shred(self, subjects: Iterable[UUID]) -> None:
        """Destroy the subjects' keys (called by the recorder, with the Erased event)."""
        with self._lock:
            for subject in subjects:
                if subject in self._keys:
                    self._keys[subject] = None

    def is_shredded(self, subject: UUID) -> bool:
        """Whether the subject had a key and it was destroyed."""
        return subject in self._keys and self._keys[subject] is None


class InMemoryClaimStore:
    """Identity claims in a dict, keyed by the same keyed hash as on PostgreSQL."""

    def __init__(self, hasher: IdentityHasher) -> None:
        self._hasher = hasher
        self._holders: dict[bytes, UUID] = {}

    def claim_hash(self, channel: str, handle: str) -> bytes:
        """The claim of one identity, in its normalised form."""
        return self._hasher.claim_hash(channel, normalise_handle(handle))

    def holders(self, hashes: list[bytes]) -> dict[bytes, UUID]:
        """The current holder of each claimed hash (absent when unclaimed)."""
        return {h: self._holders[h] for h in hashes if h in self._holders}

    def check(self, claims: Sequence[tuple[bytes, UUID]], releases: Sequence[bytes]) -> None:
        """Raise IdentityClaimTaken if writing these would claim a held hash (nothing written)."""
        held = set(self._holders) - set(releases)
        for claim_hash, _ in claims:
            # Like the primary key on PostgreSQL: a hash is inserted once, whoever holds it.
            if claim_hash in held:
                raise IdentityClaimTaken(claim_hash.hex())
            held.add(claim_hash)

    def write(
        self,
        claims: Sequence[tuple[bytes, UUID]],
        releases: Sequence[bytes],
        shred: Sequence[UUID],
    ) -> None:
        """Release, claim, and drop every claim of erased members; check() first."""
        for claim_hash in releases:
            self._holders.pop(claim_hash, None)
        self._holders.update(claims)
        erased = set(shred)
        for claim_hash in [h for h, m in self._holders.items() if m in erased]:
            del self._holders[claim_hash]


class InMemoryCommunityRecorder(POPOApplicationRecorder):
    """The POPO recorder, writing claims and shredding keys under its lock with the events."""

    def __init__(self, keys: InMemoryKeyStore, claims: InMemoryClaimStore) -> None:
        super().__init__()
        self.keys = keys
        self.claims = claims

    def _insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        claims = list(kwargs.get("claims", ()))
        releases = list(kwargs.get("releases", ()))
        shred = list(kwargs.get("shred", ()))
        with self._database_lock:
            # Every check before any write: a refused save leaves nothing behind.
            self._assert_uniqueness(stored_events)
            self.claims.check(claims, releases)
            self.claims.write(claims, releases, shred)
            self.keys.shred(shred)
            return self._update_table(stored_events)

    def insert_events_skipping_duplicates(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        new_members: Mapping[UUID, Sequence[UUID]] | None = None,
        **kwargs: Any,
    ) -> list[tuple[UUID, int]]:
        """Insert the events whose (originator, version) is new; return those inserted."""
        with self._database_lock:
            claims = list(kwargs.pop("claims", ()))
            if new_members:
                unneeded = {
                    member_id
                    for member_id, events in new_members.items()
                    if all(self._is_stored(event, 1) for event in events)
                }
                stored_events = [e for e in stored_events if e.originator_id not in unneeded]
                claims = [c for c in claims if c[1] not in unneeded]
            fresh: list[StoredEvent] = []
            seen: set[tuple[UUID | str, int]] = set()
            for event in stored_events:
                key = (event.originator_id, event.originator_version)
                if key not in seen and not self._is_stored(*key):
                    seen.add(key)
                    fresh.append(event)
            ids = self._insert_events(fresh, claims=claims, **kwargs) or []
        self._notify_listeners()
        return [(_uuid(e.originator_id), i) for e, i in zip(fresh, ids, strict=True)]

    def insert_event_groups(self, groups: Sequence[EventGroup]) -> list[Sequence[int] | Exception]:
        """Each group all or nothing, in turn: its notification ids or its conflict."""
        outcomes: list[Sequence[int] | Exception] = []
        for group in groups:
            try:
                ids = self.insert_events(
                    group.stored_events,
                    claims=group.claims,
                    releases=group.releases,
                    shred=group.shred,
                )
            except (IntegrityError, IdentityClaimTaken) as error:
                outcomes.append(error)
            else:
                outcomes.append(ids or [])
        return outcomes

    def member_states(self, member_ids: Sequence[UUID]) -> dict[UUID, bool]:
        """Which of these ids are members, each with whether the member was erased."""
        keys = self.keys.preload(member_ids)
        with self._database_lock:
            joined = [m for m in set(member_ids) if self._first_topic(m) == Member.Joined.TOPIC]
        return {m: keys.get(m) is None for m in joined}

    def select_streams(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every event of these aggregates, each stream in version order."""
        return [e for i in sorted(set(originator_ids)) for e in self.select_events(i)]

    def _is_stored(self, originator_id: UUID | str, version: int) -> bool:
        return version in self._stored_events_index.get(str(originator_id), {})

    def _first_topic(self, originator_id: UUID) -> str | None:
        position = self._stored_events_index.get(str(originator_id), {}).get(1)
        return None if position is None else self._stored_events[position].topic


def _uuid(originator_id: UUID | str) -> UUID:
    return originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
