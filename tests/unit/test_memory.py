"""The in-memory stores behind the unit tier, and the guard that keeps it off PostgreSQL."""

from __future__ import annotations

from uuid import uuid4

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from application.crypto import SubjectErased
from application.identities import IdentityClaims
from application.keyed_hashes import IdentityHasher
from application.members.community import Community
from application.memory import InMemoryKeyStore
from domain.members import commands as cmd
from projections.personal import FEEDBACK_TEXT, PageOpeners, seal_value
from tests.unit.conftest import IN_MEMORY, in_memory_community


def test_the_unit_tier_cannot_open_a_database_connection() -> None:
    with pytest.raises(AssertionError, match="tried to connect"):
        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres")


def test_in_memory_persistence_refuses_stores_that_would_not_commit_with_its_events() -> None:
    pool = ConnectionPool("postgresql://nowhere/none", open=False)
    claims = IdentityClaims(pool, IdentityHasher(b"x" * 32))
    with pytest.raises(TypeError, match="InMemoryClaimStore"):
        Community(IN_MEMORY, keyring=InMemoryKeyStore(), claims=claims)


def test_a_shredded_key_stays_shredded() -> None:
    keys, subject = InMemoryKeyStore(), uuid4()
    assert keys.key_for(subject, create=True) is not None
    keys.shred([subject])
    keys.create_keys([subject])
    assert keys.is_shredded(subject) and keys.preload([subject]) == {subject: None}
    with pytest.raises(SubjectErased):
        keys.key_for(subject, create=True)


def test_erasing_a_member_shreds_its_key_in_the_fake_key_store() -> None:
    community = in_memory_community()
    member_id = community.join_member(cmd.JoinMember(display_name="Kept")).member.id
    erased_id = community.join_member(cmd.JoinMember(display_name="Shredded")).member.id
    community.erase_member(cmd.EraseMember(member_id=erased_id))
    keys = community.keyring
    assert isinstance(keys, InMemoryKeyStore)
    assert keys.is_shredded(erased_id) and not keys.is_shredded(member_id)


def test_page_openers_open_with_the_fake_key_store_until_the_key_is_shredded() -> None:
    keys, author, item = InMemoryKeyStore(), uuid4(), uuid4()
    sealed = seal_value(keys.key_for(author, create=True), {"text": "hi"}, FEEDBACK_TEXT, item)
    assert sealed is not None
    openers = PageOpeners(keys, FEEDBACK_TEXT)
    assert openers.page({str(author), str(uuid4())})[str(author)](sealed, item) == {"text": "hi"}
    keys.shred([author])
    assert openers.page({str(author)}) == {}
