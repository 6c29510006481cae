"""The Community application on PostgreSQL: writers racing, and refusals that write nothing."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
import pytest

from application.members.community import Change
from application.recorder import IdentityClaimTaken
from application.runtime import Runtime
from domain.commands import IdentityRef
from domain.errors import (
    IdentityAlreadyLinked,
    IdentityNotLinked,
    MemberAlreadyLeft,
    MemberIsErased,
    MemberNotFound,
    VersionMismatch,
)
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from domain.members.member import Member
from tests.integration.conftest import rows, scalar

pytestmark = pytest.mark.integration

DEADLINE_SECONDS = 30


def event_count(url: str, member_id: UUID | None = None) -> int:
    """Events in the log, of one member or of all."""
    if member_id is None:
        return int(scalar(url, "SELECT count(*) FROM community_events"))
    return int(
        scalar(url, "SELECT count(*) FROM community_events WHERE originator_id = %s", (member_id,))
    )


def claims_of(url: str) -> dict[UUID, int]:
    """How many identity claims each member holds."""
    return dict(rows(url, "SELECT member_id, count(*) FROM identity_claims GROUP BY member_id"))


def join(runtime: Runtime, name: str, *identities: tuple[str, str]) -> UUID:
    """Join a member with some (channel, handle) identities; returns its id."""
    refs = [IdentityRef(channel=channel, handle=handle) for channel, handle in identities]
    return runtime.community.join_member(
        cmd.JoinMember(display_name=name, identities=refs)
    ).member.id


def unique_handle(prefix: str) -> str:
    """A handle no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@contextmanager
def events_table_locked(url: str) -> Iterator[None]:
    """Hold the event table's write lock, so that writers queue up until the block ends."""
    with psycopg.connect(url) as conn:
        conn.execute("LOCK TABLE community_events IN EXCLUSIVE MODE")
        yield
        conn.commit()


def wait_until_blocked(url: str, writers: int) -> None:
    """Wait until this many sessions of the database wait for a lock."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    query = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    while scalar(url, query) < writers:
        assert time.monotonic() < deadline, "the writers never queued up"
        time.sleep(0.01)


def outcomes(futures: list[Future[Change]]) -> tuple[list[Change], list[BaseException]]:
    """The changes that succeeded and the errors raised, of some commands run in threads."""
    done, failed = [], []
    for future in futures:
        error = future.exception(timeout=DEADLINE_SECONDS)
        if error is None:
            done.append(future.result())
        else:
            failed.append(error)
    return done, failed


def test_two_writers_tagging_one_member_lose_no_tag(runtime: Runtime) -> None:
    member_id = join(runtime, "Tagged Twice")
    tags = {writer: [f"{writer}-{n}" for n in range(15)] for writer in ("left", "right")}
    start = threading.Barrier(2)

    def tag_all(writer: str) -> None:
        start.wait()
        for tag in tags[writer]:
            runtime.community.tag_member(cmd.TagMember(member_id=member_id, tag=tag))

    with ThreadPoolExecutor(2) as executor:
        list(executor.map(tag_all, tags))

    every_tag = sorted(tags["left"] + tags["right"])
    member = runtime.community.get_member(member_id)
    assert member.tags == every_tag
    assert member.version == 31
    history = runtime.community.member_history(member_id)
    assert sorted(e.tag for e in history if isinstance(e, Member.Tagged)) == every_tag
    assert event_count(runtime.database_url, member_id) == 31


def test_a_writer_that_lost_the_race_acts_again_on_the_new_state(runtime: Runtime) -> None:
    url = runtime.database_url
    member_id = join(runtime, "Raced For")
    with ThreadPoolExecutor(2) as executor:
        with events_table_locked(url):
            futures = [
                executor.submit(
                    runtime.community.tag_member, cmd.TagMember(member_id=member_id, tag=tag)
                )
                for tag in ("first", "second")
            ]
            # Both loaded version 1 and wait to write version 2: one of them must retry.
            wait_until_blocked(url, 2)
        done, failed = outcomes(futures)
    assert failed == []
    assert sorted(change.member.version for change in done) == [2, 3]
    assert runtime.community.get_member(member_id).tags == ["first", "second"]


def test_writers_expecting_the_same_version_race_and_only_one_wins(runtime: Runtime) -> None:
    url = runtime.database_url
    member_id = join(runtime, "Expected Twice")
    with ThreadPoolExecutor(2) as executor:
        with events_table_locked(url):
            futures = [
                executor.submit(
                    runtime.community.tag_member,
                    cmd.TagMember(member_id=member_id, tag=tag, expected_version=1),
                )
                for tag in ("first", "second")
            ]
            wait_until_blocked(url, 2)
        done, failed = outcomes(futures)
    assert len(done) == 1 and len(failed) == 1
    assert isinstance(failed[0], VersionMismatch)
    assert (failed[0].expected, failed[0].actual) == (1, 2)
    assert runtime.community.get_member(member_id).tags == done[0].member.tags
    assert event_count(url, member_id) == 2


def link_at_once(
    runtime: Runtime, handle: str, *, queued: bool
) -> tuple[UUID, UUID, list[Change], list[BaseException]]:
    """Two new members link one handle at once; returns (first, second, done, failed).

    With queued, both writers pass the application's check and meet in the database: the
    event table is held until one holds the claim and the other waits for it.
    """
    url = runtime.database_url
    first, second = join(runtime, "First Claimant"), join(runtime, "Second Claimant")
    start = threading.Barrier(2)

    def link(member_id: UUID) -> Change:
        start.wait()
        return runtime.community.link_identity(
            cmd.LinkIdentity(member_id=member_id, channel="discord", handle=handle)
        )

    with ThreadPoolExecutor(2) as executor:
        if queued:
            with events_table_locked(url):
                futures = [executor.submit(link, m) for m in (first, second)]
                wait_until_blocked(url, 2)
        else:
            futures = [executor.submit(link, m) for m in (first, second)]
        done, failed = outcomes(futures)
    return first, second, done, failed


def assert_one_holder(
    runtime: Runtime,
    handle: str,
    claimants: tuple[UUID, UUID],
    done: list[Change],
    failed: list[BaseException],
) -> None:
    """Exactly one claimant holds the handle; the other was told who does, and wrote nothing."""
    assert len(done) == 1 and len(failed) == 1, failed
    winner = done[0].member.id
    (loser,) = set(claimants) - {winner}
    assert isinstance(failed[0], IdentityAlreadyLinked)
    assert failed[0].holder_id == winner
    claim = runtime.community.claims.claim_hash("discord", handle)
    holders = rows(
        runtime.database_url,
        "SELECT member_id FROM identity_claims WHERE claim_hash = %s",
        (claim,),
    )
    assert holders == [(winner,)]
    assert runtime.community.get_member(winner).identities == [["discord", handle]]
    assert runtime.community.get_member(loser).identities == []
    assert event_count(runtime.database_url, loser) == 1


def test_two_members_linking_one_handle_at_once_only_one_gets_it(runtime: Runtime) -> None:
    for _ in range(5):
        handle = unique_handle("contested")
        first, second, done, failed = link_at_once(runtime, handle, queued=False)
        assert_one_holder(runtime, handle, (first, second), done, failed)


def test_two_links_meeting_in_the_database_are_settled_by_the_claims_table(
    runtime: Runtime,
) -> None:
    handle = unique_handle("photo-finish")
    first, second, done, failed = link_at_once(runtime, handle, queued=True)
    assert_one_holder(runtime, handle, (first, second), done, failed)
    # Refused by the claim's primary key, not by the check before saving.
    assert isinstance(failed[0].__context__, IdentityClaimTaken)


def test_commands_on_an_erased_member_are_refused_and_write_nothing(runtime: Runtime) -> None:
    url = runtime.database_url
    community = runtime.community
    member_id = join(runtime, "Gone Soon", ("slack", unique_handle("gone")))
    # An identity unlinked before the erasure: its shredded handle must still replay.
    community.link_identity(
        cmd.LinkIdentity(member_id=member_id, channel="github", handle=unique_handle("old"))
    )
    held = community.get_member(member_id).identities[-1][1]
    community.unlink_identity(
        cmd.UnlinkIdentity(member_id=member_id, channel="github", handle=held)
    )
    community.erase_member(cmd.EraseMember(member_id=member_id))
    before = event_count(url)

    refused: list[cmd.MemberCommand] = [
        cmd.UpdateMemberProfile(member_id=member_id, display_name="Back Again"),
        cmd.LinkIdentity(member_id=member_id, channel="discord", handle=unique_handle("new")),
        cmd.TagMember(member_id=member_id, tag="speaker"),
        cmd.MarkMemberAsStaff(member_id=member_id),
        cmd.MarkMemberLeft(member_id=member_id),
        cmd.EraseMember(member_id=member_id),
    ]
    handlers: dict[type[cmd.MemberCommand], Callable[[Any], Change]] = {
        cmd.UpdateMemberProfile: community.update_member_profile,
        cmd.LinkIdentity: community.link_identity,
        cmd.TagMember: community.tag_member,
        cmd.MarkMemberAsStaff: community.mark_member_as_staff,
        cmd.MarkMemberLeft: community.mark_member_left,
        cmd.EraseMember: community.erase_member,
    }
    for command in refused:
        with pytest.raises(MemberIsErased) as error:
            handlers[type(command)](command)
        assert error.value.member_id == member_id

    assert event_count(url) == before
    member = community.get_member(member_id)
    assert (member.status, member.display_name, member.identities) == ("erased", None, [])


def test_other_refusals_write_nothing(runtime: Runtime) -> None:
    url = runtime.database_url
    community = runtime.community
    member_id = join(runtime, "Refused", ("discord", unique_handle("refused")))
    community.mark_member_left(cmd.MarkMemberLeft(member_id=member_id))
    before, claims = event_count(url), claims_of(url)

    with pytest.raises(MemberAlreadyLeft):
        community.mark_member_left(cmd.MarkMemberLeft(member_id=member_id))
    with pytest.raises(IdentityNotLinked):
        community.unlink_identity(
            cmd.UnlinkIdentity(member_id=member_id, channel="slack", handle="nobody")
        )
    with pytest.raises(MemberNotFound):
        community.tag_member(cmd.TagMember(member_id=uuid.uuid4(), tag="ghost"))
    duplicate = unique_handle("twice")
    with pytest.raises(IdentityAlreadyLinked):
        community.join_members(
            [
                cmd.JoinMember(
                    display_name=name,
                    identities=[IdentityRef(channel="slack", handle=duplicate)],
                )
                for name in ("One Importee", "Two Importee")
            ]
        )

    assert event_count(url) == before
    assert claims_of(url) == claims
    # A no-op changes nothing either: no event for a tag the member has not.
    change = community.untag_member(cmd.UntagMember(member_id=member_id, tag="absent"))
    assert change.position is None
    assert event_count(url) == before


def test_members_loaded_together_equal_members_loaded_one_by_one(runtime: Runtime) -> None:
    community = runtime.community
    tagged = community.join_member(cmd.JoinMember(display_name="Tagged", email="t@x.org")).member
    community.tag_member(cmd.TagMember(member_id=tagged.id, tag="speaker"))
    erased = community.join_member(cmd.JoinMember(display_name="Erased", email="e@x.org")).member
    community.erase_member(cmd.EraseMember(member_id=erased.id))
    report = community.record_interactions(
        [
            RecordInteraction(
                member_id=tagged.id,
                channel="slack",
                kind="message",
                occurred_at=datetime.now(UTC),
                external_id="m1",
            )
        ],
        create_unknown_members=False,
    )
    (interaction_id,) = report.interaction_ids
    assert interaction_id is not None
    unknown = uuid.uuid4()
    found = community.get_members([tagged.id, erased.id, unknown, interaction_id])
    assert set(found) == {tagged.id, erased.id}  # neither the unknown id nor an interaction
    for member_id, member in found.items():
        assert vars(member) == vars(community.get_member(member_id))
    assert found[tagged.id].tags == ["speaker"] and found[erased.id].email is None
