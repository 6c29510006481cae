"""Stored events of recorded interactions, built straight from the records: the bulk path.

The library's way builds an Interaction.Recorded object per record; the mapper then copies
its attributes into a dict, seals the personal fields and encodes the rest. An interaction
is never changed after it is recorded, so its stored event can be written directly: the
same state, in the same key order and form, encoded by the same orjson call, so the bytes
are those the mapper writes for the same moment and nonce (tests/unit/interactions/
test_stored.py compares them). Personal fields are sealed with one cipher per member and
one read of random nonces per batch.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import StoredEvent

from application.crypto import NONCE_SIZE, KeyStore, SubjectErased, sealer
from application.mapper import SEALED
from domain.interactions.commands import InteractionFields
from domain.interactions.interaction import Interaction

TOPIC = Interaction.Recorded.TOPIC
VERSION = Interaction.INITIAL_VERSION
# How the library's JSON transcoder writes the two non-JSON types of an interaction's state.
_TYPE, _DATA = "_type_", "_data_"
_UUID, _DATETIME = "uuid_hex", "datetime_iso"

# One interaction to store: its record, its id and its member.
Chosen = tuple[InteractionFields, UUID, UUID]


def stored_interactions(
    keyring: KeyStore, chosen: Sequence[Chosen], timestamp: datetime
) -> tuple[list[StoredEvent | None], set[UUID]]:
    """Each interaction's stored event; None for those of members erased meanwhile.

    Every member's key is asked for once, as the mapper would for each event: a member
    whose key was shredded since the batch was checked has its records refused.
    """
    keys, erased = _keys(keyring, {member for _, _, member in chosen})
    personal = [
        i
        for i, (record, _, _) in enumerate(chosen)
        if record.url is not None or record.summary is not None
    ]
    nonces = os.urandom(NONCE_SIZE * len(personal))
    sealed: dict[int, str] = {}
    ciphers: dict[UUID, Any] = {}
    for n, index in enumerate(personal):
        record, interaction, member = chosen[index]
        key = keys.get(member)
        if key is None:
            continue
        if member not in ciphers:
            ciphers[member] = sealer(key)
        nonce = nonces[n * NONCE_SIZE : (n + 1) * NONCE_SIZE]
        plain = orjson.dumps({"url": record.url, "summary": record.summary})
        context = f"{interaction}:{VERSION}".encode()
        sealed[index] = base64.b64encode(nonce + ciphers[member](nonce, plain, context)).decode()
    moment = {_TYPE: _DATETIME, _DATA: timestamp.isoformat()}
    stored: list[StoredEvent | None] = []
    for index, (record, interaction, member) in enumerate(chosen):
        if member in erased:
            stored.append(None)
            continue
        state = _state(record, member, moment)
        if index in sealed:
            state[SEALED] = sealed[index]
        stored.append(StoredEvent(interaction, VERSION, TOPIC, orjson.dumps(state)))
    return stored, erased


def _state(record: InteractionFields, member: UUID, moment: dict[str, str]) -> dict[str, Any]:
    """The event's state as the mapper leaves it, personal fields taken out."""
    return {
        "timestamp": moment,
        "originator_topic": Interaction.TOPIC,
        "member_id": {_TYPE: _UUID, _DATA: member.hex},
        "channel": record.channel.value,
        "kind": record.kind.value,
        "occurred_at": {_TYPE: _DATETIME, _DATA: record.occurred_at.isoformat()},
        "external_id": record.external_id,
        "thread_ref": record.thread_ref,
    }


def _keys(keyring: KeyStore, members: set[UUID]) -> tuple[dict[UUID, bytes], set[UUID]]:
    """The key of each member, and the members whose key is gone."""
    keys: dict[UUID, bytes] = {}
    erased: set[UUID] = set()
    for member in members:
        try:
            key = keyring.key_for(member, create=True)
        except SubjectErased:
            erased.add(member)
            continue
        assert key is not None
        keys[member] = key
    return keys, erased
