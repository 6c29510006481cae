"""Personal data in the read models: sealed under the member's own key, opened at the edge.

The read models keep e-mails, attributes, handles and interaction urls and summaries only
as AES-GCM ciphertext under the member's key (the key that erasure shreds), plus keyed
blind indexes where a lookup or an exact search needs to find them. Once a key is
shredded, nothing readable is left of those values in any row, dead row, index or WAL
record. Readers open them with one key query per page, and only for roles allowed to see
personal data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from typing import Any
from uuid import UUID

import orjson

from application.crypto import NONCE_SIZE, KeyStore, cipher, seal, unseal
from application.keyed_hashes import LookupHasher
from domain.values import normalise_handle

# The context each sealed value is bound to, so that no ciphertext can be moved to
# another member, row or column and still open.
EMAIL = "members.email"
ATTRIBUTES = "members.attributes"
HANDLE = "member_identities.handle"
CONTENT = "member_interactions.content"
# A feedback item's text and source url, sealed under its author's key.
FEEDBACK_TEXT = "feedback_items.text"

Keys = dict[UUID, bytes | None]


class PersonalData:
    """Keys, sealing and blind indexes of the read models' personal values."""

    def __init__(self, keyring: KeyStore, lookups: LookupHasher) -> None:
        self.keyring = keyring
        self.lookups = lookups

    def writer_keys(self, members: Iterable[UUID]) -> Keys:
        """Keys to seal a page's copies with: the cache, plus one query for the rest.

        The mapper has just read the keys of the page's members from the key store, so
        this normally costs no query, and a key shredded meanwhile was seen there.
        """
        wanted = set(members)
        self.keyring.warm(wanted)
        return {m: self.keyring.key_for(m, create=False) for m in wanted}

    def reader_keys(self, members: Iterable[UUID]) -> Keys:
        """Keys to open a page of rows with: one query, so an erasure shows at once."""
        return self.keyring.preload(members)

    def handle_key(self, handle: str) -> bytes:
        """The blind index of a handle as written or asked (normalised first)."""
        return self.lookups.handle(normalise_handle(handle))

    def email_key(self, email: str | None) -> bytes | None:
        """The blind index of an e-mail address; None without one."""
        return None if email is None else self.lookups.email(email)

    def word_keys(self, text: str) -> list[bytes]:
        """The blind indexes of the distinct words of a text (see `words`)."""
        return [self.lookups.word(word) for word in sorted(words(text))]

    def name_prefix_key(self, normalised_prefix: str) -> int:
        """The blind index of a start of a name, which name search matches (name_terms)."""
        return self.lookups.name_prefix(normalised_prefix)

    def search_keys(self, text: str) -> list[bytes]:
        """What an exact search for `text` compares: as an e-mail, and as a handle."""
        keys = [self.lookups.email(text)]
        if normalise_handle(text):
            keys.append(self.handle_key(text))
        return keys


_WORD = re.compile(r"\w+")


def words(text: str) -> set[str]:
    """The distinct words of a text as search compares them: NFKC-normalised, case-folded."""
    return set(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def seal_value(key: bytes | None, value: Any, context: str, owner: object) -> bytes | None:
    """The value sealed under the key, bound to its column and row; None if nothing to keep."""
    if value is None or key is None:
        return None
    return seal(key, orjson.dumps(value), _associated(context, owner))


def open_value(key: bytes | None, sealed: bytes | None, context: str, owner: object) -> Any:
    """What seal_value sealed; None when there is nothing, or the key is gone."""
    if sealed is None or key is None:
        return None
    return orjson.loads(unseal(key, bytes(sealed), _associated(context, owner)))


def value_opener(key: bytes, context: str) -> Callable[[bytes, object], Any]:
    """open_value under one key and context, its cipher built once: a page of an export
    opens each author's values with one, and setting up a cipher costs more than opening."""
    decrypt = cipher(key).decrypt
    prefix = f"{context}:"

    def opened(sealed: bytes, owner: object) -> Any:
        associated = f"{prefix}{owner}".encode()
        return orjson.loads(decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], associated))

    return opened


def open_page(
    keyring: KeyStore, sealed: Collection[tuple[str, bytes | None]], context: str
) -> dict[str, Any]:
    """Each owner's (id as text) value opened, for the owners whose key still exists, the
    keys read in one query: for a reader that meets each owner once (an export of members).
    An owner without a value has None; an owner whose key is gone is left out.

    One loop, nothing remembered: each key is unwrapped and its cipher used once and
    dropped (a closure per owner costs twice its cipher, mostly in collecting).
    """
    found = dict(keyring.wrapped_keys([owner for owner, _ in sealed]))
    unwrap = keyring.unwrap
    loads = orjson.loads
    prefix = f"{context}:"
    opened: dict[str, Any] = {}
    for owner, value in sealed:
        wrapped = found.get(owner)
        if wrapped is None:
            continue
        if value is None:
            opened[owner] = None
            continue
        decrypt = cipher(unwrap(owner, wrapped)).decrypt
        associated = (prefix + owner).encode()
        opened[owner] = loads(decrypt(value[:NONCE_SIZE], value[NONCE_SIZE:], associated))
    return opened


class PageOpeners:
    """Openers of members' values for a long read, a page at a time (an export).

    Each page's keys come fresh from the store in one query, so a member erased before the
    page was read has nothing opened; a key is unwrapped only when its wrapped bytes are new
    to this reader (members recur from page to page). Remembers at most `limit` keys, and
    only as long as the reader lives. Ciphers are set up per page: one takes 2.5 KB, thirty
    times a key, too much to keep a hundred thousand.
    """

    def __init__(self, keyring: KeyStore, context: str, *, limit: int = 100_000) -> None:
        self.keyring = keyring
        self.context = context
        self.limit = limit
        self._keys: dict[tuple[str, bytes], bytes] = {}

    def page(self, members: Collection[str]) -> dict[str, Callable[[bytes, object], Any]]:
        """An opener per member (id as text) whose key still exists."""
        found: dict[str, Callable[[bytes, object], Any]] = {}
        for member, wrapped in self.keyring.wrapped_keys(members):
            if wrapped is None:
                continue
            # Keyed by member too: wrapped bytes moved to another member's row must not open.
            seen = (member, bytes(wrapped))
            key = self._keys.get(seen)
            if key is None:
                if len(self._keys) >= self.limit:
                    self._keys.clear()
                key = self._keys[seen] = self.keyring.unwrap(member, seen[1])
            found[member] = value_opener(key, self.context)
        return found


def _associated(context: str, owner: object) -> bytes:
    return f"{context}:{owner}".encode()
