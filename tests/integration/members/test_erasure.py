"""Crypto-shredding: personal data is sealed at rest, and after erasure no table holds it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from psycopg import sql

from api.projection_wiring import build_runners
from application.consent.desk import ConsentDesk
from application.crypto import SubjectErased
from application.runtime import Runtime
from domain.commands import IdentityRef
from domain.consent.commands import RegisterConsentText
from domain.members import commands as cmd
from domain.members.consents import GiveConsent
from domain.members.member import Member
from domain.members.membership import ERASED
from tests.conftest import test_settings
from tests.integration.conftest import opened_rows, rows, scalar

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Person:
    """A member with personal values found nowhere else in the database."""

    member_id: UUID
    secrets: tuple[str, ...]


def distinctive_member(runtime: Runtime) -> Person:
    """Join a member and change its profile, each value unique to this test."""
    mark = uuid.uuid4().hex[:10]
    name = f"Quillon Zarvesk {mark}"
    email = f"quillon.{mark}@zarvesk.example"
    handle = f"QuillZ_{mark}"
    late_handle = f"zarvesk-late-{mark}"
    city = f"Vexmoor-{mark}"
    employer = f"Orbicular Widgets {mark}"
    new_name = f"Quillon Renamed {mark}"
    new_email = f"renamed.{mark}@zarvesk.example"
    community = runtime.community
    member_id = community.join_member(
        cmd.JoinMember(
            display_name=name,
            email=email,
            joined_at=datetime.now(UTC) - timedelta(days=3),
            source_channel="discord",
            attributes={"city": city, "employer": employer},
            identities=[IdentityRef(channel="discord", handle=handle)],
        )
    ).member.id
    community.link_identity(
        cmd.LinkIdentity(member_id=member_id, channel="github", handle=late_handle)
    )
    community.update_member_profile(
        cmd.UpdateMemberProfile(
            member_id=member_id,
            display_name=new_name,
            email=new_email,
            attributes={"city": f"{city}-north"},
        )
    )
    community.tag_member(cmd.TagMember(member_id=member_id, tag="speaker"))
    note = f"Agreed by phone to Quillon {mark}"
    record_consent(runtime, member_id, note)
    secrets = (name, email, handle, late_handle, city, employer, new_name, new_email, note, mark)
    return Person(member_id, secrets)


def record_consent(runtime: Runtime, member_id: UUID, note: str) -> None:
    """Consent given with a note (free text about the person, sealed like the rest)."""
    desk, version = ConsentDesk(runtime.community), f"v{uuid.uuid4().hex[:8]}"
    desk.register_text(RegisterConsentText(purpose="case_study", version=version, text="Yes"))
    desk.give(
        GiveConsent(
            member_id=member_id,
            purpose="case_study",
            text_version=version,
            source="staff",
            note=note,
        )
    )


def project(runtime: Runtime) -> None:
    """Bring every projection up to the head of the log."""
    for runner in build_runners(runtime, batch_size=50):
        runner.catch_up()


def plaintext_hits(url: str, secrets: tuple[str, ...]) -> set[tuple[str, str, str]]:
    """(table, column, value) wherever a value occurs in a public table, case-insensitively.

    Every column is searched as text; bytea columns as their bytes, so a value stored
    unencrypted in a binary column is found too.
    """
    columns = rows(
        url,
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
        " JOIN information_schema.tables t USING (table_schema, table_name)"
        " WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'"
        " ORDER BY c.table_name, c.ordinal_position",
    )
    assert {table for table, _, _ in columns} >= {"community_events", "members"}
    found: set[tuple[str, str, str]] = set()
    for table, column, data_type in columns:
        haystack = (
            sql.SQL("lower(encode({}, 'escape'))")
            if data_type == "bytea"
            else sql.SQL("lower({}::text)")
        ).format(sql.Identifier(column))
        query = sql.SQL(
            "SELECT v FROM unnest(%s::text[]) AS v WHERE EXISTS"
            " (SELECT 1 FROM {} WHERE strpos({}, lower(v)) > 0)"
        ).format(sql.Identifier(table), haystack)
        found |= {(table, column, value) for (value,) in rows(url, query, (list(secrets),))}
    return found


def raw_event_hits(url: str, secrets: tuple[str, ...]) -> set[str]:
    """Values whose bytes occur in any stored event, in any case."""
    states = [bytes(state).lower() for (state,) in rows(url, "SELECT state FROM community_events")]
    assert states
    return {value for value in secrets if any(value.lower().encode() in s for s in states)}


def test_personal_data_is_sealed_in_the_event_log_and_in_the_read_models(
    runtime: Runtime,
) -> None:
    person = distinctive_member(runtime)
    project(runtime)

    url = runtime.database_url
    assert raw_event_hits(url, person.secrets) == set()
    hits = plaintext_hits(url, person.secrets)
    # Only the current display name is plaintext (the list sorts by it, search matches
    # it by substring); e-mail, handles and attributes are sealed in the read models too.
    assert hits == {
        ("members", "display_name", person.secrets[6]),
        ("members", "display_name", person.secrets[-1]),  # the marker, inside the name
    }
    (sealed,) = rows(
        url,
        "SELECT sealed_email, sealed_attributes, email_key, cardinality(search_keys)"
        " FROM members WHERE member_id = %s",
        (person.member_id,),
    )
    assert all(isinstance(value, bytes) for value in sealed[:3])
    assert sealed[3] == 3  # the e-mail and two handles, as blind indexes
    opened = opened_rows(url, "SELECT * FROM member_identities ORDER BY channel")
    assert [(row[0], row[2]) for row in opened] == [
        ("discord", person.secrets[2]),
        ("github", person.secrets[3]),
    ]
    history = runtime.community.member_history(person.member_id)
    assert history[0].display_name == person.secrets[0]


def test_erasure_leaves_no_personal_value_in_any_table(runtime: Runtime) -> None:
    url = runtime.database_url
    person = distinctive_member(runtime)
    bystander = runtime.community.join_member(
        cmd.JoinMember(display_name="Bystander Unaffected", email="by@stander.example")
    ).member.id
    project(runtime)
    history_before = rows(
        url,
        "SELECT originator_version, topic, state FROM community_events"
        " WHERE originator_id = %s ORDER BY originator_version",
        (person.member_id,),
    )
    events_before = scalar(url, "SELECT count(*) FROM community_events")

    runtime.community.erase_member(cmd.EraseMember(member_id=person.member_id))
    project(runtime)

    assert plaintext_hits(url, person.secrets) == set()
    assert raw_event_hits(url, person.secrets) == set()

    # History stays: every event is still there, byte for byte, plus the erasure.
    assert scalar(url, "SELECT count(*) FROM community_events") == events_before + 1
    history_after = rows(
        url,
        "SELECT originator_version, topic, state FROM community_events"
        " WHERE originator_id = %s ORDER BY originator_version",
        (person.member_id,),
    )
    assert history_after[:-1] == history_before
    assert history_after[-1][1] == Member.Erased.TOPIC

    # Replayed history has the events, with their personal fields unreadable.
    events = runtime.community.member_history(person.member_id)
    assert [type(e).__name__ for e in events] == [
        "Joined",
        "IdentityLinked",
        "IdentityLinked",
        "ProfileUpdated",
        "Tagged",
        "ConsentGiven",
        "Erased",
    ]
    joined, discord, github, updated, tagged, consent, _ = events
    assert (joined.display_name, joined.email, joined.attributes) == (None, None, None)
    assert joined.source_channel == "discord"
    assert (discord.channel, discord.handle) == ("discord", None)
    assert (github.channel, github.handle) == ("github", None)
    assert updated.changes is None
    assert tagged.tag == "speaker"
    assert (consent.purpose, consent.note) == ("case_study", None)
    member = runtime.community.get_member(person.member_id)
    assert (member.status, member.display_name, member.email) == (ERASED, None, None)
    assert (member.attributes, member.identities, member.tags) == ({}, [], ["speaker"])

    # The read model keeps a row, emptied, so that counts and lists stay right.
    (row,) = rows(
        url,
        "SELECT status, display_name, sealed_email, email_key, sealed_attributes, search_keys,"
        " erased_at IS NOT NULL, tags FROM members WHERE member_id = %s",
        (person.member_id,),
    )
    assert row == (ERASED, None, None, None, None, [], True, ["speaker"])
    # Its table is rewritten after the erasure (projections/compaction.py).
    assert rows(
        url,
        "SELECT compacted_at FROM erasure_compactions WHERE member_id = %s",
        (person.member_id,),
    ) == [(None,)]
    assert (
        scalar(
            url, "SELECT count(*) FROM member_identities WHERE member_id = %s", (person.member_id,)
        )
        == 0
    )
    assert (
        scalar(
            url,
            "SELECT count FROM member_counts WHERE dimension = 'status' AND value = %s",
            (ERASED,),
        )
        == 1
    )
    assert (
        scalar(
            url, "SELECT count(*) FROM identity_claims WHERE member_id = %s", (person.member_id,)
        )
        == 0
    )
    assert rows(
        url,
        "SELECT wrapped_key IS NULL, shredded_at IS NOT NULL FROM personal_data_keys"
        " WHERE subject_id = %s",
        (person.member_id,),
    ) == [(True, True)]

    # Another member's data is untouched.
    assert runtime.community.get_member(bystander).display_name == "Bystander Unaffected"
    assert (
        scalar(url, "SELECT display_name FROM members WHERE member_id = %s", (bystander,))
        == "Bystander Unaffected"
    )


def test_a_rebuild_after_erasure_brings_nothing_back(database: str) -> None:
    first = Runtime.start(test_settings(database))
    try:
        person = distinctive_member(first)
        project(first)
        first.community.erase_member(cmd.EraseMember(member_id=person.member_id))
    finally:
        first.close()

    # Another process, which never saw the key, replays the whole log.
    second = Runtime.start(test_settings(database))
    try:
        for runner in build_runners(second, batch_size=2):
            runner.reset()
            runner.catch_up()
    finally:
        second.close()

    assert plaintext_hits(database, person.secrets) == set()
    assert rows(
        database,
        "SELECT status, display_name, sealed_email, channels FROM members WHERE member_id = %s",
        (person.member_id,),
    ) == [(ERASED, None, None, ["discord"])]


def test_no_new_personal_data_is_written_for_an_erased_member(runtime: Runtime) -> None:
    url = runtime.database_url
    community = runtime.community
    member_id = community.join_member(cmd.JoinMember(display_name="Stale Copy")).member.id
    # A copy loaded before the erasure, as a writer racing with it would hold.
    stale = community.get_member(member_id)
    community.erase_member(cmd.EraseMember(member_id=member_id))
    assert community.get_member(member_id).status == ERASED
    before = scalar(url, "SELECT count(*) FROM community_events")

    stale.update_profile({"display_name": "Written After Erasure"})
    with pytest.raises(SubjectErased):
        community.save(stale)

    assert scalar(url, "SELECT count(*) FROM community_events") == before
    assert plaintext_hits(url, ("Written After Erasure",)) == set()
