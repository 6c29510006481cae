"""Batched member commands on PostgreSQL: the unit tier's tests again, and a batch that
meets another writer's save between its read and its write (the savepoint path)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import pytest

from application.members.batch import MemberCall, write_member_calls
from application.members.community import Change, Community
from application.runtime import Runtime
from domain.errors import VersionMismatch
from domain.members import commands as cmd
from domain.members.member import Member
from tests.integration.conftest import scalar
from tests.unit.members.test_batch import (
    change,
    joined,
    test_a_batch_of_joins_gives_distinct_members_each_recorded_once,
    test_a_handle_claimed_twice_in_one_batch_goes_to_the_first,
    test_commands_on_one_member_apply_in_turn_each_answered_as_it_left_it,
    test_one_stale_version_among_many_fails_alone,
    test_refusals_fail_alone_and_the_members_other_commands_are_written,
)

pytestmark = pytest.mark.integration

__all__ = [
    "test_a_batch_of_joins_gives_distinct_members_each_recorded_once",
    "test_a_handle_claimed_twice_in_one_batch_goes_to_the_first",
    "test_commands_on_one_member_apply_in_turn_each_answered_as_it_left_it",
    "test_one_stale_version_among_many_fails_alone",
    "test_refusals_fail_alone_and_the_members_other_commands_are_written",
]


@pytest.fixture
def community(runtime: Runtime) -> Community:
    """The Community on PostgreSQL, as the composition root wires it."""
    return runtime.community


class Overtaken:
    """The Community as the batch sees it, except that another writer tags `victim` right
    after the batch has read its members: the batch's version for it is then taken."""

    def __init__(self, community: Community, victim: UUID) -> None:
        self._community = community
        self._victim = victim

    def get_members(self, member_ids: Sequence[UUID]) -> dict[UUID, Member]:
        members = self._community.get_members(member_ids)
        if self._victim in members:
            self._community.tag_member(cmd.TagMember(member_id=self._victim, tag="elsewhere"))
            self._victim = UUID(int=0)  # once: the retried calls read the new state
        return members

    def __getattr__(self, name: str) -> Any:
        return getattr(self._community, name)


def test_a_member_saved_by_another_writer_meanwhile_fails_only_its_own_commands(
    runtime: Runtime,
) -> None:
    community = runtime.community
    victim, others = joined(community, "Victim"), [joined(community, f"O{n}") for n in range(4)]
    loaded = community.get_member(victim).version
    calls = [change(community, cmd.TagMember(member_id=m, tag="batch")) for m in others]
    calls += [
        change(community, cmd.TagMember(member_id=victim, tag="named", expected_version=loaded)),
        change(community, cmd.TagMember(member_id=victim, tag="unnamed")),
    ]
    before = int(scalar(runtime.database_url, "SELECT max(notification_id) FROM community_events"))
    overtaken: Any = Overtaken(community, victim)
    outcomes = write_member_calls(overtaken, calls)
    assert all(isinstance(o, Change) for o in outcomes[:4]), outcomes
    # It named the version it read: refused, with the version the other writer made.
    assert isinstance(outcomes[4], VersionMismatch)
    assert (outcomes[4].expected, outcomes[4].actual) == (loaded, loaded + 1)
    # It named none: it acted again on the new state, in a later transaction.
    assert isinstance(outcomes[5], Change)
    assert sorted(outcomes[5].member.tags) == ["elsewhere", "unnamed"]
    assert sorted(community.get_member(victim).tags) == ["elsewhere", "unnamed"]
    written = scalar(
        runtime.database_url,
        "SELECT count(*) FROM community_events WHERE notification_id > %s",
        (before,),
    )
    assert written == 4 + 1 + 1  # four tags, the other writer's, the retried one


def test_a_batch_that_fails_in_its_transaction_writes_nothing(runtime: Runtime) -> None:
    community = runtime.community
    members = [joined(community, f"M{n}") for n in range(3)]
    url = runtime.database_url
    before = scalar(url, "SELECT count(*) FROM community_events")
    with refusing_commits(url):
        calls = [change(community, cmd.TagMember(member_id=m, tag="lost")) for m in members]
        calls.append(MemberCall(cmd.JoinMember(display_name="Lost")))
        with pytest.raises(Exception, match="refused at commit"):
            write_member_calls(community, calls)
    assert scalar(url, "SELECT count(*) FROM community_events") == before
    assert all(community.get_member(m).tags == [] for m in members)


class refusing_commits:  # noqa: N801  (a context manager read as a phrase)
    """A deferred trigger that fails every transaction writing events, at its commit: after
    every statement of the batch has run, as a crash at the last moment would."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> None:
        execute_all(
            self.url,
            "CREATE OR REPLACE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$",
            "CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON community_events"
            " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_commit()",
        )

    def __exit__(self, *exc: object) -> None:
        execute_all(
            self.url,
            "DROP TRIGGER refuse_commit ON community_events",
            "DROP FUNCTION refuse_commit()",
        )


def execute_all(url: str, *statements: str) -> None:
    """Run DDL statements in one committed transaction."""
    import psycopg

    with psycopg.connect(url) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]
