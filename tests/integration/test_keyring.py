"""Per-member keys and identity hashes, as they are stored in PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.exceptions import InvalidTag

from application.crypto import KeyRing, SubjectErased
from application.keyed_hashes import IdentityHasher
from application.runtime import Runtime, open_pool
from domain.commands import IdentityRef
from domain.members import commands as cmd
from tests.conftest import TEST_SECRET
from tests.integration.conftest import rows

pytestmark = pytest.mark.integration

SECRET = TEST_SECRET.encode()


def wrapped_key(url: str, subject: uuid.UUID) -> bytes | None:
    """The stored (wrapped) key of a subject."""
    ((wrapped,),) = rows(
        url, "SELECT wrapped_key FROM personal_data_keys WHERE subject_id = %s", (subject,)
    )
    return bytes(wrapped) if wrapped is not None else None


def test_keys_are_stored_wrapped_and_every_process_unwraps_the_same_key(runtime: Runtime) -> None:
    member_id = runtime.community.join_member(cmd.JoinMember(display_name="Key Holder")).member.id
    key = runtime.community.keyring.key_for(member_id, create=False)
    assert key is not None and len(key) == 32

    stored = wrapped_key(runtime.database_url, member_id)
    assert stored is not None
    assert key not in stored
    assert len(stored) == 12 + 32 + 16  # nonce, key, tag

    elsewhere = KeyRing(runtime.pool, SECRET)
    assert elsewhere.key_for(member_id, create=False) == key
    # Asking for a key to be created keeps the existing one: old events stay readable.
    elsewhere.create_keys([member_id])
    assert KeyRing(runtime.pool, SECRET).key_for(member_id, create=True) == key
    assert wrapped_key(runtime.database_url, member_id) == stored

    with pytest.raises(InvalidTag):
        KeyRing(runtime.pool, SECRET + b"-other").key_for(member_id, create=False)


def test_concurrent_first_writers_of_a_subject_end_up_with_one_key(database: str) -> None:
    subjects = [uuid.uuid4() for _ in range(50)]
    pools = [open_pool(database, 2, f"keys-{n}") for n in range(4)]
    keyrings = [KeyRing(pool, SECRET) for pool in pools]
    start = threading.Barrier(len(keyrings))

    def create(keyring: KeyRing) -> list[bytes | None]:
        start.wait()
        keyring.create_keys(subjects)
        return [keyring.key_for(subject, create=False) for subject in subjects]

    try:
        with ThreadPoolExecutor(len(keyrings)) as executor:
            seen = list(executor.map(create, keyrings))
        fresh = KeyRing(pools[0], SECRET)
        stored = [fresh.key_for(subject, create=False) for subject in subjects]
    finally:
        for pool in pools:
            pool.close()

    assert all(key is not None for key in stored)
    assert all(keys == stored for keys in seen)
    assert len(set(stored)) == len(subjects)


def test_a_shredded_key_is_gone_for_every_keyring_and_is_never_recreated(
    runtime: Runtime,
) -> None:
    url = runtime.database_url
    member_id = runtime.community.join_member(cmd.JoinMember(display_name="Shredded")).member.id
    uncached = KeyRing(runtime.pool, SECRET, ttl=0)
    assert uncached.key_for(member_id, create=False) is not None

    runtime.community.erase_member(cmd.EraseMember(member_id=member_id))

    assert wrapped_key(url, member_id) is None
    for keyring in (runtime.community.keyring, uncached, KeyRing(runtime.pool, SECRET)):
        assert keyring.key_for(member_id, create=False) is None
        with pytest.raises(SubjectErased):
            keyring.key_for(member_id, create=True)
        keyring.create_keys([member_id])
    assert wrapped_key(url, member_id) is None
    assert rows(
        url, "SELECT count(*) FROM personal_data_keys WHERE subject_id = %s", (member_id,)
    ) == [(1,)]


def test_identity_claims_hold_a_keyed_hash_of_the_normalised_handle(runtime: Runtime) -> None:
    handle = f"@Hashed_{uuid.uuid4().hex[:8]}"
    member_id = runtime.community.join_member(
        cmd.JoinMember(
            display_name="Hashed",
            identities=[IdentityRef(channel="discord", handle=handle)],
        )
    ).member.id

    ((claim,),) = rows(
        runtime.database_url,
        "SELECT claim_hash FROM identity_claims WHERE member_id = %s",
        (member_id,),
    )
    normalised = handle.removeprefix("@").lower()
    assert bytes(claim) == IdentityHasher(SECRET).claim_hash("discord", normalised)
    assert bytes(claim) != IdentityHasher(SECRET + b"-other").claim_hash("discord", normalised)
    assert bytes(claim) != hashlib.sha256(f"discord\x00{normalised}".encode()).digest()
    assert normalised.encode() not in bytes(claim)
