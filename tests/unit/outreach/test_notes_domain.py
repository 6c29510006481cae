"""Notes and motivations in the domain: their rules, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from pydantic import ValidationError

from application.settings import Settings
from domain.errors import InvalidField
from domain.outreach.commands_motivations import RecordMemberMotivation
from domain.outreach.commands_notes import AddMemberNote
from domain.outreach.motivation import InvalidMotivations, Motivation, check_options_list
from domain.outreach.note import Note, NoteLinkKind, NoteUnchanged

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def note(**fields: object) -> Note:
    values: dict[str, object] = {
        "member_id": uuid4(),
        "author_id": uuid4(),
        "text": "First",
        "link_kind": None,
        "link_id": None,
        "at": NOW,
        "now": NOW,
    }
    return Note.add(**(values | fields))  # type: ignore[arg-type]


def test_an_edit_replaces_the_text_and_counts_a_version() -> None:
    written = note()
    editor = uuid4()
    written.edit(text="Second", edited_by=editor, at=NOW)
    assert (written.text, written.version, written.edited_by) == ("Second", 2, editor)
    with pytest.raises(NoteUnchanged):
        written.edit(text="Second", edited_by=editor, at=NOW)


def test_a_link_has_both_a_kind_and_an_id_and_a_note_is_not_in_the_future() -> None:
    with pytest.raises(InvalidField, match="link_id"):
        note(link_kind=NoteLinkKind.FEEDBACK)
    with pytest.raises(InvalidField, match="link_kind"):
        note(link_id=uuid4())
    with pytest.raises(InvalidField, match="^at:"):
        note(at=NOW + timedelta(days=2))
    linked = note(link_kind=NoteLinkKind.INCIDENT, link_id=uuid4())
    assert linked.link_kind == "incident"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "must not be empty"),
        ("a" * 10_001, "at most 10000"),
        ("evil\u202etext", "direction control"),
        ("bell\x07", "control character"),
    ],
)
def test_a_note_s_text_is_refused_naming_the_field(text: str, reason: str) -> None:
    with pytest.raises(ValidationError) as raised:
        AddMemberNote(member_id=uuid4(), author_id=uuid4(), text=text)
    (error,) = raised.value.errors()
    assert error["loc"] == ("text",) and reason in error["msg"]


def test_a_motivation_takes_configured_options_once_each() -> None:
    answer = Motivation.record(
        member_id=uuid4(),
        options=["learn", "network", "learn"],
        allowed=("learn", "network"),
        text=None,
        recorded_by=uuid4(),
        at=NOW,
        now=NOW,
    )
    assert answer.options == ["learn", "network"]
    with pytest.raises(InvalidField, match="option 1 is not one of learn"):
        Motivation.record(
            member_id=uuid4(),
            options=["hiring"],
            allowed=("learn",),
            text=None,
            recorded_by=uuid4(),
            at=NOW,
            now=NOW,
        )
    with pytest.raises(ValidationError):
        RecordMemberMotivation(member_id=uuid4(), recorded_by=uuid4(), options=["x"] * 51)


def test_the_configured_options_are_checked_at_start_up() -> None:
    assert check_options_list(["learn", " network ", ""]) == ("learn", "network")
    for bad in (["Learn"], ["learn", "learn"], [], ["a" * 41]):
        with pytest.raises(InvalidMotivations):
            check_options_list(bad)
    assert Settings(outreach_motivations="learn,jobs").motivation_options() == ("learn", "jobs")
    with pytest.raises(ValidationError, match="CRM_OUTREACH_MOTIVATIONS"):
        Settings(outreach_motivations="learn,Bad Option")
