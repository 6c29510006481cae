"""Interactions stored by the bulk path are the events the mapper stores, byte for byte."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from application.interactions.decoding import IdentityRecord, ValidRecord
from application.interactions.stored import stored_interactions
from application.members.community import Community
from domain.interactions.commands import InteractionFields
from domain.interactions.interaction import Interaction, interaction_id
from domain.interactions.interaction import InteractionKind as Kind
from domain.members import commands as cmd
from domain.values import Channel
from tests.unit.interactions.test_recording import member

AT = datetime(2026, 3, 1, 12, 30, 15, 250_000, tzinfo=UTC)
CREATED = datetime(2026, 3, 2, 8, 0, 0, 1, tzinfo=UTC)


def stream() -> Callable[[int], bytes]:
    """os.urandom as a fixed stream: whoever reads n bytes next gets the same n bytes."""
    data = bytes(range(256)) * 64
    position = 0

    def read(size: int) -> bytes:
        nonlocal position
        position += size
        return data[position - size : position]

    return read


def records() -> list[InteractionFields]:
    """Records with and without personal fields, with zones other than UTC."""
    later = AT.astimezone(UTC) + timedelta(hours=5)
    return [
        ValidRecord(None, None, Channel.SLACK, Kind.MESSAGE, AT, "e-1", None, None, None),
        ValidRecord(
            None, IdentityRecord(Channel.SLACK, "ada"), Channel.GITHUB, Kind.ISSUE, later,
            "e-2", "t-9", "https://example.org/i/2", None,
        ),
        ValidRecord(None, None, Channel.FORUM, Kind.POST, AT, "é-3", None, None, "a \"quoted\" ü"),
        ValidRecord(None, None, Channel.SLACK, Kind.REPLY, AT, "e-4", "t", "http://x.org", "s"),
    ]  # fmt: skip


def slow(community: Community, record: InteractionFields, member_id: object) -> object:
    """The library's way: an event object, then the mapper."""
    event = Interaction.recorded_event(
        member_id=member_id,  # type: ignore[arg-type]
        channel=record.channel.value,
        kind=record.kind.value,
        occurred_at=record.occurred_at,
        external_id=record.external_id,
        thread_ref=record.thread_ref,
        url=record.url,
        summary=record.summary,
        now=CREATED,
    )
    return community.mapper.to_stored_event(event)


def test_the_bulk_path_stores_the_bytes_the_mapper_stores(
    community: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = member(community, "ada")
    monkeypatch.setattr(Interaction.Recorded, "create_timestamp", staticmethod(lambda: CREATED))
    monkeypatch.setattr(os, "urandom", stream())
    expected = [slow(community, record, ada) for record in records()]
    monkeypatch.setattr(os, "urandom", stream())
    chosen = [(r, interaction_id(r.channel.value, r.external_id), ada) for r in records()]
    built, erased = stored_interactions(community.keyring, chosen, CREATED)
    assert built == expected and not erased


def test_a_bulk_stored_event_reads_back_as_the_library_wrote_it(community: Community) -> None:
    ada = member(community, "ada")
    chosen = [(r, interaction_id(r.channel.value, r.external_id), ada) for r in records()]
    built, _ = stored_interactions(community.keyring, chosen, CREATED)
    for (record, interaction, _), stored in zip(chosen, built, strict=True):
        assert stored is not None
        event = community.mapper.to_domain_event(stored)
        assert isinstance(event, Interaction.Recorded)
        assert (event.originator_id, event.member_id, event.timestamp) == (
            interaction,
            ada,
            CREATED,
        )
        assert (event.channel, event.kind, event.occurred_at) == (
            record.channel.value, record.kind.value, record.occurred_at,
        )  # fmt: skip
        assert (event.external_id, event.thread_ref) == (record.external_id, record.thread_ref)
        assert (event.url, event.summary) == (record.url, record.summary)


def test_an_erased_member_gets_no_stored_events(community: Community) -> None:
    ada, bob = member(community, "ada"), member(community, "bob")
    community.erase_member(cmd.EraseMember(member_id=bob))
    chosen = [(r, uuid4(), who) for r, who in zip(records(), (ada, bob, ada, bob), strict=True)]
    built, erased = stored_interactions(community.keyring, chosen, CREATED)
    assert erased == {bob}
    assert [e is None for e in built] == [False, True, False, True]
