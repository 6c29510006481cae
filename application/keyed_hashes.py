"""Keyed hashes of personal values: identity claims and the read models' blind indexes."""

from __future__ import annotations

import hashlib
import hmac

from application.crypto import derive_key


class IdentityHasher:
    """Keyed hash of (channel, handle): enforces uniqueness without a second plaintext copy."""

    def __init__(self, secret: bytes) -> None:
        self._key = derive_key(secret, "crm identity claims")

    def claim_hash(self, channel: str, normalised_handle: str) -> bytes:
        """The claim of one identity; handles must already be normalised."""
        message = f"{channel}\x00{normalised_handle}".encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()


class LookupHasher:
    """Keyed blind indexes of personal values, so read models find them without plaintext.

    An HMAC under a key of its own, derived from the secret: equal values give equal
    digests, so a lookup or an exact search compares digests; without the secret a digest
    reveals nothing, and it cannot be reversed.
    """

    DIGEST_SIZE = 16

    def __init__(self, secret: bytes) -> None:
        self._key = derive_key(secret, "crm read model lookups")

    def handle(self, normalised_handle: str) -> bytes:
        """The blind index of a handle (already normalised), on whatever channel."""
        return self._digest("handle", normalised_handle)

    def email(self, email: str) -> bytes:
        """The blind index of an e-mail address, compared case-insensitively."""
        return self._digest("email", email.strip().casefold())

    def word(self, normalised_word: str) -> bytes:
        """The blind index of a word of a text (already normalised), for text search."""
        return self._digest("word", normalised_word)

    def name_prefix(self, normalised_prefix: str) -> int:
        """The blind index of the start of a name from one of its words, as a signed 64-bit
        integer: name search stores millions of them, and 8 bytes keep its index small."""
        return int.from_bytes(self._digest("name", normalised_prefix)[:8], "big", signed=True)

    def _digest(self, kind: str, value: str) -> bytes:
        message = f"{kind}\x00{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()[: self.DIGEST_SIZE]
