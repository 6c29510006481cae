"""The Interaction aggregate: ids derived from the source, no future dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4, uuid5

import pytest

from domain.errors import InvalidField
from domain.interactions.interaction import INTERACTION_NAMESPACE, Interaction, interaction_id

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def record(**values: object) -> Interaction:
    """An interaction recorded at NOW."""
    defaults: dict[str, object] = {
        "member_id": uuid4(),
        "channel": "discord",
        "kind": "message",
        "occurred_at": NOW - timedelta(days=2),
        "external_id": "1234",
        "thread_ref": None,
        "url": None,
        "summary": None,
        "now": NOW,
    }
    return Interaction.record(**{**defaults, **values})  # type: ignore[arg-type]


def test_the_id_comes_from_channel_and_external_id_only() -> None:
    first, again = record(), record(member_id=uuid4(), kind="reply")
    assert first.id == again.id == interaction_id("discord", "1234")
    assert record(channel="slack").id != first.id
    assert record(external_id="1235").id != first.id


def test_one_event_carries_the_sealed_fields_under_the_members_key() -> None:
    (event,) = record(summary="hello", url="https://example.org/t/1").collect_events()
    assert type(event) is Interaction.Recorded
    assert event.PERSONAL_FIELDS == ("url", "summary")
    assert event.PERSONAL_SUBJECT == "member_id"


def test_an_interaction_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidField) as refused:
        record(occurred_at=NOW + timedelta(hours=1))
    assert refused.value.field == "occurred_at"
    assert record(occurred_at=NOW - timedelta(days=3650)).occurred_at < NOW


def test_the_bulk_event_is_the_event_record_makes() -> None:
    values = {"summary": "hi", "url": "https://example.org/1", "thread_ref": "t-9"}
    (event,) = record(**values).collect_events()
    arguments = {
        "member_id": event.member_id,  # type: ignore[attr-defined]
        "channel": "discord",
        "kind": "message",
        "occurred_at": NOW - timedelta(days=2),
        "external_id": "1234",
        "now": NOW,
        **values,
    }
    bulk = Interaction.recorded_event(**arguments)  # type: ignore[arg-type]
    assert type(bulk) is Interaction.Recorded
    assert {**vars(bulk), "timestamp": None} == {**vars(event), "timestamp": None}
    assert bulk.mutate(None).id == event.originator_id


def test_the_bulk_event_refuses_the_future_too() -> None:
    with pytest.raises(InvalidField):
        Interaction.recorded_event(
            member_id=uuid4(),
            channel="discord",
            kind="message",
            occurred_at=NOW + timedelta(hours=1),
            external_id="1",
            thread_ref=None,
            url=None,
            summary=None,
            now=NOW,
        )


@pytest.mark.parametrize(
    ("channel", "external_id"), [("discord", "1234"), ("github", "PR#7 é"), ("slack", "")]
)
def test_ids_are_uuid5_of_channel_and_external_id(channel: str, external_id: str) -> None:
    expected = uuid5(INTERACTION_NAMESPACE, f"{channel}\x00{external_id}")
    assert interaction_id(channel, external_id) == expected
