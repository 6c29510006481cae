"""Event mapper that encrypts each event's personal fields under its subject's key."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoder,
    Transcoding,
    find_id_convertor,
)
from eventsourcing.utils import get_topic, resolve_topic

from application.crypto import KeyStore, seal, unseal

# The event state key that holds the sealed personal fields.
SEALED = "_personal"
# Registered types that page decoding restores itself when they are a state's top-level
# values (ids and moments: nearly every field that is not plain JSON).
_TYPE, _DATA = "_type_", "_data_"
_UUID, _DATETIME = "uuid_hex", "datetime_iso"


class ShreddingMapper(Mapper[UUID]):
    """Seals PERSONAL_FIELDS of events; once a key is shredded they decode as None."""

    def __init__(self, transcoder: Transcoder, keyring: KeyStore) -> None:
        super().__init__(transcoder)
        self.keyring = keyring

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        """Replace the personal fields by one sealed blob, then store as the library does."""
        fields = personal_fields(domain_event)
        if not fields:
            return super().to_stored_event(domain_event)
        # The library's to_stored_event, inlined: bulk imports call this millions of times.
        state = dict(vars(domain_event))
        subject = state[personal_subject(domain_event)]
        key = self.keyring.key_for(subject, create=True)
        assert key is not None
        personal = {field: state.pop(field) for field in fields}
        # Nothing personal, nothing to seal: most interactions carry no url or summary.
        if any(value is not None for value in personal.values()):
            sealed = seal(key, self.transcoder.encode(personal), _context(state))
            state[SEALED] = base64.b64encode(sealed).decode()
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=self.transcoder.encode(state),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        """Decode, then open the sealed fields if the subject's key still exists."""
        return self._unsealed(super().to_domain_event(stored_event))

    def to_domain_events(
        self, stored_events: Sequence[StoredEvent]
    ) -> list[DomainEventProtocol[UUID]]:
        """Decode a page of events, reading all the keys it needs in one query.

        The key store is read directly, bypassing the cache, so that a key shredded by
        another process is seen at once where projections write plaintext copies.
        """
        uuids: dict[str, UUID] = {}  # a page names the same members many times
        events = [self._decoded(stored, uuids) for stored in stored_events]
        subjects = {vars(e)[personal_subject(e)] for e in events if SEALED in vars(e)}
        if subjects:
            self.keyring.preload(subjects)
        return [self._unsealed(event) for event in events]

    def _decoded(self, stored: StoredEvent, uuids: dict[str, UUID]) -> DomainEventProtocol[UUID]:
        """As the library decodes, without its generic walk when the state is flat."""
        state = self._flat_state(stored.state, uuids)
        cls: type[DomainEventProtocol[UUID]] = resolve_topic(stored.topic)
        # Anything else (nested values, upcasting, ciphers) goes the library's way.
        if state is None or state.pop("class_version", 1) != getattr(cls, "class_version", 1):
            return super().to_domain_event(stored)
        # A class is hashable through type.__hash__, but mypy checks UUID's instance __hash__.
        to_id = find_id_convertor(cls, type(stored.originator_id))  # type: ignore[arg-type]
        state["originator_id"] = to_id(stored.originator_id)
        state["originator_version"] = stored.originator_version
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event

    def _flat_state(self, data: bytes, uuids: dict[str, UUID]) -> dict[str, Any] | None:
        """The decoded state if its only non-JSON values are top-level ids and moments."""
        if self.cipher or self.compressor or not isinstance(self.transcoder, JSONTranscoder):
            return None
        try:
            state = orjson.loads(data)
        except orjson.JSONDecodeError:  # the library's decoder reads, or reports, the rest
            return None
        if type(state) is not dict or _TYPE in state:
            return None
        names = self.transcoder.names
        for key, value in state.items():
            kind = type(value)
            if kind is list:
                return None
            if kind is dict:
                restored = _restored(value, uuids, names)
                if restored is None:
                    return None
                state[key] = restored
        return state

    def _unsealed(self, event: DomainEventProtocol[UUID]) -> DomainEventProtocol[UUID]:
        state: dict[str, Any] = vars(event)
        sealed = state.pop(SEALED, None)
        fields = personal_fields(event)
        if sealed is None:
            # Written without a blob because every personal field was empty.
            for field in fields:
                state.setdefault(field, None)
            return event
        key = self.keyring.key_for(state[personal_subject(event)], create=False)
        if key is None:
            state.update(dict.fromkeys(fields))
        else:
            opened = unseal(key, base64.b64decode(sealed), _context(state))
            state.update(self.transcoder.decode(opened))
        return event


def personal_fields(event: object) -> tuple[str, ...]:
    """Names of the event's fields that hold personal data."""
    return tuple(getattr(type(event), "PERSONAL_FIELDS", ()))


def personal_subject(event: object) -> str:
    """Name of the field holding whose personal data the event carries."""
    return str(getattr(type(event), "PERSONAL_SUBJECT", "originator_id"))


def _context(state: dict[str, Any]) -> bytes:
    # Binds the ciphertext to its event, so sealed blobs cannot be swapped between events.
    return f"{state['originator_id']}:{state['originator_version']}".encode()


def _restored(value: dict[str, Any], uuids: dict[str, UUID], names: dict[str, Transcoding]) -> Any:
    """An id or a moment as the transcoder restores it; None for anything else."""
    name, data = value.get(_TYPE), value.get(_DATA)
    transcoding = names.get(name) if name in (_UUID, _DATETIME) else None
    if transcoding is None or len(value) != 2 or type(data) is not str:
        return None
    if name != _UUID:
        return transcoding.decode(data)
    found = uuids.get(data)
    if found is None:
        found = uuids[data] = transcoding.decode(data)
    return found
