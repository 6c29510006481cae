"""Notes on members on PostgreSQL: history, links, concurrent edits, and erasure."""

from __future__ import annotations

import threading
import uuid
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate

from application.conduct.desk import ConductDesk
from application.feedback.desk import FeedbackDesk
from application.outreach.notes import LinkedItemNotFound, LinkedItemOfAnotherMember, NoteDesk
from application.runtime import Runtime
from domain.conduct.commands import ReportConductIncident
from domain.errors import InvalidField, MemberIsErased
from domain.feedback.commands import SubmitFeedback
from domain.members import commands as mc
from domain.outreach.commands_notes import AddMemberNote, EditMemberNote
from domain.outreach.note import Note, NoteUnchanged, NoteVersionMismatch
from tests.integration.conftest import rows
from tests.integration.members.test_erasure import plaintext_hits, raw_event_hits
from tests.integration.outreach.helpers import catch_up, interaction, joined, notes, staff

pytestmark = pytest.mark.integration
NOTES = "outreach_notes"


def add(desk: NoteDesk, member: UUID, author: UUID, text: str, **link: Any) -> UUID:
    command = AddMemberNote(member_id=member, author_id=author, text=text, **link)
    return desk.add(command).note.id


def edit(desk: NoteDesk, note: UUID, by: UUID, text: str, version: int) -> int:
    command = EditMemberNote(note_id=note, edited_by=by, text=text, expected_version=version)
    return desk.edit(command).note.version


def test_a_note_keeps_every_version_and_its_link(runtime: Runtime) -> None:
    desk, author, member = NoteDesk(runtime.community), staff(runtime), joined(runtime)
    message = interaction(runtime, member, "m-1")
    note = add(
        desk, member, author, "Asked about mentoring", link_kind="interaction", link_id=message
    )
    editor = staff(runtime, "Editor")
    assert edit(desk, note, editor, "Asked about mentoring; offered Ana", 1) == 2
    assert edit(desk, note, author, "Matched with Ana", 2) == 3
    catch_up(runtime, NOTES)

    (found,) = notes(runtime).for_member(member, 10)
    assert (found["text"], found["version"], found["edited_by"]) == ("Matched with Ana", 3, author)
    assert (found["link_kind"], found["link_id"], found["author_id"]) == (
        "interaction",
        message,
        author,
    )
    history = [(v["version"], v["text"], v["written_by"]) for v in found["versions"]]
    assert history == [
        (1, "Asked about mentoring", author),
        (2, "Asked about mentoring; offered Ana", editor),
        (3, "Matched with Ana", author),
    ]
    with pytest.raises(NoteUnchanged):
        edit(desk, note, author, "Matched with Ana", 3)


def test_of_two_edits_from_one_version_one_wins_the_other_is_refused(runtime: Runtime) -> None:
    desk, author, member = NoteDesk(runtime.community), staff(runtime), joined(runtime)
    note = add(desk, member, author, "First words")
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def attempt(text: str) -> None:
        start.wait()
        try:
            outcomes[text] = edit(desk, note, author, text, 1)
        except NoteVersionMismatch as error:
            outcomes[text] = error

    threads = [threading.Thread(target=attempt, args=(t,)) for t in ("Edit A", "Edit B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [t for t, o in outcomes.items() if o == 2]
    refused = [o for o in outcomes.values() if isinstance(o, NoteVersionMismatch)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    assert (refused[0].expected, refused[0].actual, refused[0].code) == (1, 2, "VERSION_MISMATCH")
    catch_up(runtime, NOTES)
    (found,) = notes(runtime).for_member(member, 10)
    assert found["text"] == saved[0] and [v["version"] for v in found["versions"]] == [1, 2]


def test_a_link_must_name_an_existing_item_of_the_same_member(runtime: Runtime) -> None:
    desk, author = NoteDesk(runtime.community), staff(runtime)
    member, other = joined(runtime), joined(runtime, "Other")
    theirs = interaction(runtime, other, "o-1")
    about_other = (
        ConductDesk(runtime.community)
        .report(ReportConductIncident(member_id=other, channel="discord", description="Spam"))
        .incident.id
    )
    item = (
        FeedbackDesk(runtime.community)
        .submit(SubmitFeedback(author_id=member, channel="forum", kind="idea", text="Dark mode"))
        .item.id
    )

    cases: list[tuple[str, UUID, type[InvalidField]]] = [
        ("interaction", uuid.uuid4(), LinkedItemNotFound),
        ("interaction", item, LinkedItemNotFound),  # a feedback item is not an interaction
        ("interaction", theirs, LinkedItemOfAnotherMember),
        ("incident", about_other, LinkedItemOfAnotherMember),
        ("feedback", uuid.uuid4(), LinkedItemNotFound),
    ]
    for kind, link, refusal in cases:
        with pytest.raises(refusal) as raised:
            add(desk, member, author, "Linked", link_kind=kind, link_id=link)
        assert raised.value.field == "link_id", (kind, link)
    with pytest.raises(InvalidField, match="link_kind"):
        add(desk, member, author, "Half a link", link_id=item)
    assert add(desk, member, author, "About the idea", link_kind="feedback", link_id=item)


def test_the_author_and_editor_are_staff_and_the_member_present(runtime: Runtime) -> None:
    desk, author, member = NoteDesk(runtime.community), staff(runtime), joined(runtime)
    not_staff = joined(runtime, "Not staff")
    with pytest.raises(InvalidField, match="author_id: names a member who is not marked as staff"):
        add(desk, member, not_staff, "Hello")
    note = add(desk, member, author, "Hello")
    with pytest.raises(InvalidField, match="edited_by"):
        edit(desk, note, not_staff, "Hello again", 1)
    runtime.community.erase_member(mc.EraseMember(member_id=member))
    with pytest.raises(MemberIsErased):
        add(desk, member, author, "After erasure")
    with pytest.raises(MemberIsErased):
        edit(desk, note, author, "After erasure", 1)


def test_an_erased_member_s_notes_are_unreadable_in_every_version(runtime: Runtime) -> None:
    desk, author, member = NoteDesk(runtime.community), staff(runtime), joined(runtime)
    mark = uuid.uuid4().hex[:10]
    secrets = (f"Lives in Vexholm {mark}", f"Moved to Quorra {mark}")
    note = add(desk, member, author, secrets[0])
    edit(desk, note, author, secrets[1], 1)
    kept = add(desk, staff(runtime, "Other staff"), author, f"Unrelated {mark}")
    catch_up(runtime, NOTES)
    url = runtime.database_url
    assert raw_event_hits(url, secrets) == set()
    assert plaintext_hits(url, secrets) == set()  # sealed in the read model too
    assert notes(runtime).for_member(member, 10)[0]["text"] == secrets[1]

    runtime.community.erase_member(mc.EraseMember(member_id=member))
    catch_up(runtime, NOTES)

    (after,) = notes(runtime).for_member(member, 10)
    assert after["member_erased"] and after["text"] is None
    assert [v["text"] for v in after["versions"]] == [None, None]
    assert (after["author_id"], after["version"]) == (author, 2)  # who and when stay
    assert rows(url, "SELECT sealed_text FROM member_notes WHERE member_id = %s", (member,)) == [
        (None,)
    ]
    sealed = rows(
        url, "SELECT sealed_text FROM member_note_versions WHERE member_id = %s", (member,)
    )
    assert sealed == [(None,), (None,)]
    # The events still hold the sealed text, but its key is gone: they open as nothing.
    replayed: Aggregate = runtime.community.repository.get(note)
    assert isinstance(replayed, Note) and replayed.text is None
    other = notes(runtime).by_id(kept)
    assert other is not None and other["text"] == f"Unrelated {mark}"
