"""Recording an outreach: what the command and the aggregate refuse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from pydantic import ValidationError

from domain.errors import InvalidField
from domain.outreach.commands_log import RecordOutreach
from domain.outreach.outreach import Outreach, OutreachPurpose, OutreachRecorded, OutreachToSelf

NOW = datetime(2026, 12, 4, 9, tzinfo=UTC)


def record(**fields: object) -> Outreach:
    values: dict[str, object] = {
        "member_id": uuid4(),
        "staff_id": uuid4(),
        "channel": "discord",
        "purpose": OutreachPurpose.WELCOME,
        "note": "Hello",
        "at": NOW,
        "now": NOW,
    }
    return Outreach.record(**(values | fields))  # type: ignore[arg-type]


def test_an_outreach_is_recorded_once_with_its_note() -> None:
    outreach = record(at=NOW - timedelta(days=3))
    (event,) = outreach.collect_events()
    assert isinstance(event, OutreachRecorded)
    assert (event.purpose, event.note, event.at) == ("welcome", "Hello", NOW - timedelta(days=3))
    assert OutreachRecorded.PERSONAL_FIELDS == ("note",)


def test_never_in_the_future_nor_to_oneself() -> None:
    with pytest.raises(InvalidField) as error:
        record(at=NOW + timedelta(days=1))
    assert error.value.field == "at"
    same = uuid4()
    with pytest.raises(OutreachToSelf):
        record(member_id=same, staff_id=same)


@pytest.mark.parametrize(
    ("field", "value"),
    [("note", ""), ("note", "x" * 5001), ("purpose", "SMALL_TALK"), ("at", "2026-12-01T10:00")],
)
def test_the_command_names_the_field_it_refuses(field: str, value: object) -> None:
    values = {"member_id": uuid4(), "staff_id": uuid4(), "channel": "discord", "purpose": "welcome"}
    with pytest.raises(ValidationError) as error:
        RecordOutreach(**(values | {field: value}))  # type: ignore[arg-type]
    assert error.value.errors()[0]["loc"][0] == field
