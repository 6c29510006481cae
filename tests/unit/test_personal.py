"""Sealing of read-model values and their blind indexes, without a database."""

from __future__ import annotations

import os
import uuid

import pytest
from cryptography.exceptions import InvalidTag

from application.keyed_hashes import LookupHasher
from projections.personal import ATTRIBUTES, EMAIL, open_value, seal_value


def test_a_sealed_value_opens_only_with_its_key_column_and_row() -> None:
    key, member, other = os.urandom(32), uuid.uuid4(), uuid.uuid4()
    sealed = seal_value(key, {"city": "Ulvenmark"}, ATTRIBUTES, member)
    assert sealed is not None and b"Ulvenmark" not in sealed
    assert open_value(key, sealed, ATTRIBUTES, member) == {"city": "Ulvenmark"}
    # Moved to another member's row, or to another column, it does not open.
    for context, owner in ((ATTRIBUTES, other), (EMAIL, member)):
        with pytest.raises(InvalidTag):
            open_value(key, sealed, context, owner)
    with pytest.raises(InvalidTag):
        open_value(os.urandom(32), sealed, ATTRIBUTES, member)
    # Sealing twice gives two ciphertexts (fresh nonces): equal values do not show.
    assert seal_value(key, {"city": "Ulvenmark"}, ATTRIBUTES, member) != sealed


def test_nothing_is_sealed_without_a_value_or_a_key_and_a_shredded_key_opens_nothing() -> None:
    member = uuid.uuid4()
    assert seal_value(os.urandom(32), None, EMAIL, member) is None
    assert seal_value(None, "a@b.example", EMAIL, member) is None
    sealed = seal_value(os.urandom(32), "a@b.example", EMAIL, member)
    assert open_value(None, sealed, EMAIL, member) is None


def test_blind_indexes_are_keyed_by_the_secret_and_separate_e_mails_from_handles() -> None:
    lookups = LookupHasher(b"x" * 40)
    assert lookups.email(" Ada@Example.ORG ") == lookups.email("ada@example.org")
    assert lookups.email("ada") != lookups.handle("ada")
    assert len(lookups.handle("ada")) == LookupHasher.DIGEST_SIZE
    assert LookupHasher(b"y" * 40).handle("ada") != lookups.handle("ada")
