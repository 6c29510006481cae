"""The projection engine: pages applied exactly once through crashes, races and rebuilds."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg import Cursor

from api.bootstrap import personal_data
from application.members.demo import seed_demo
from application.runtime import Runtime, open_pool
from domain.commands import IdentityRef
from domain.members import commands as cmd
from domain.members.member import Member
from projections.engine import ProjectionRunner
from projections.members.projection import MembersProjection
from projections.personal import PersonalData
from projections.positions import PositionWatcher, head_of_log
from tests.conftest import test_settings
from tests.integration.conftest import (
    CountingProjection,
    assert_counted_exactly_once,
    counting_runner,
    counting_state,
    create_counting_tables,
    expected_member_counts,
    members_runner,
    members_snapshot,
    rows,
    scalar,
    stored_member_counts,
)

pytestmark = pytest.mark.integration

BATCH = 10
FAILING_PAGE = 3


class ProjectionCrash(Exception):
    """A failure planted in a projection by a test."""


class CountingThatFails(CountingProjection):
    """Writes its page, then fails on the Nth page: in Python, or in the database."""

    def __init__(self, page: int, *, in_database: bool = False) -> None:
        self.page = page
        self.in_database = in_database
        self.calls = 0

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply as usual, and break once the Nth page's rows are written."""
        self.calls += 1
        super().apply(cursor, events)
        if self.calls == self.page:
            if self.in_database:
                cursor.execute("SELECT 1 / 0")
            else:
                raise ProjectionCrash(f"planted failure on page {self.page}")


class MembersThatFail(MembersProjection):
    """The real members projection, failing after writing its Nth page."""

    def __init__(self, page: int, personal: PersonalData) -> None:
        super().__init__(personal)
        self.page = page
        self.calls = 0

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply as usual, then fail on the Nth page."""
        self.calls += 1
        super().apply(cursor, events)
        if self.calls == self.page:
            raise ProjectionCrash(f"planted failure on page {self.page}")


class WatcherThatFails(PositionWatcher):
    """Fails when told of the Nth committed page: a crash between two pages."""

    def __init__(self, pool: Any, page: int) -> None:
        super().__init__(pool)
        self.page = page
        self.calls = 0

    def advanced(self, name: str, position: int) -> None:
        """Record the progress, then fail on the Nth page."""
        super().advanced(name, position)
        self.calls += 1
        if self.calls == self.page:
            raise ProjectionCrash(f"planted failure after page {self.page}")


def nth_notification_id(url: str, n: int) -> int:
    """The id of the n-th notification of the log (1-based)."""
    return int(
        scalar(
            url,
            "SELECT notification_id FROM community_events ORDER BY notification_id"
            " OFFSET %s LIMIT 1",
            (n - 1,),
        )
    )


def position_of(url: str, name: str) -> int:
    """The stored position of a projection (0 when it never ran)."""
    found = rows(url, "SELECT position FROM projection_positions WHERE name = %s", (name,))
    return int(found[0][0]) if found else 0


def joined_up_to(url: str, position: int) -> int:
    """How many members joined at or before this notification."""
    return int(
        scalar(
            url,
            "SELECT count(*) FROM community_events WHERE topic = %s AND notification_id <= %s",
            (Member.Joined.TOPIC, position),
        )
    )


@pytest.mark.parametrize("in_database", [False, True], ids=["python-error", "sql-error"])
def test_a_crash_within_a_page_rolls_back_that_page_and_a_new_runner_catches_up(
    runtime: Runtime, in_database: bool
) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    seed_demo(runtime.community, 60, interactions=False)
    failing = counting_runner(runtime, CountingThatFails(FAILING_PAGE, in_database=in_database))

    with pytest.raises((ProjectionCrash, psycopg.errors.DivisionByZero)):
        failing.catch_up(BATCH)

    committed = (FAILING_PAGE - 1) * BATCH
    assert counting_state(url) == (committed, committed, committed)
    assert position_of(url, "counting") == nth_notification_id(url, committed)

    consumed = counting_runner(runtime).catch_up(BATCH)
    events = assert_counted_exactly_once(url)
    assert consumed == events - committed
    assert position_of(url, "counting") == head_of_log(runtime.pool)


def test_a_crash_between_pages_keeps_the_committed_pages_and_repeats_none(
    runtime: Runtime,
) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    seed_demo(runtime.community, 60, interactions=False)
    watcher = WatcherThatFails(runtime.pool, page=2)
    runner = ProjectionRunner(
        runtime.pool,
        runtime.community.mapper,
        CountingProjection(),
        batch_size=BATCH,
        watcher=watcher,
    )

    with pytest.raises(ProjectionCrash):
        runner.catch_up()

    assert counting_state(url) == (2 * BATCH, 2 * BATCH, 2 * BATCH)
    assert position_of(url, "counting") == nth_notification_id(url, 2 * BATCH)

    counting_runner(runtime, batch_size=7).catch_up()
    assert_counted_exactly_once(url)


def test_members_projection_failing_mid_log_loses_and_doubles_nothing(runtime: Runtime) -> None:
    url = runtime.database_url
    seed_demo(runtime.community, 80, interactions=False)
    real = members_runner(runtime, batch_size=BATCH)
    failing = ProjectionRunner(
        runtime.pool,
        runtime.community.mapper,
        MembersThatFail(page=4, personal=personal_data(runtime)),
        batch_size=BATCH,
    )

    with pytest.raises(ProjectionCrash):
        failing.catch_up()

    position = position_of(url, "members")
    assert position == nth_notification_id(url, 3 * BATCH)
    assert scalar(url, "SELECT count(*) FROM members") == joined_up_to(url, position)
    assert stored_member_counts(url) == expected_member_counts(url)

    real.catch_up()
    assert scalar(url, "SELECT count(*) FROM members") == 80
    assert scalar(url, "SELECT count(DISTINCT member_id) FROM members") == 80
    assert stored_member_counts(url) == expected_member_counts(url)
    assert position_of(url, "members") == head_of_log(runtime.pool)


def test_concurrent_runners_of_one_projection_apply_every_event_once(runtime: Runtime) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    seed_demo(runtime.community, 150, interactions=False)
    events = int(scalar(url, "SELECT count(*) FROM community_events"))
    pools = [open_pool(url, 3, f"runner-{n}") for n in range(3)]
    runners = [
        ProjectionRunner(pool, runtime.community.mapper, CountingProjection(), batch_size=5)
        for pool in pools
    ]
    start = threading.Barrier(len(runners))

    def run(runner: ProjectionRunner) -> int:
        start.wait()
        return runner.catch_up()

    try:
        with ThreadPoolExecutor(len(runners)) as executor:
            consumed = list(executor.map(run, runners))
    finally:
        for pool in pools:
            pool.close()

    assert sum(consumed) == events
    assert assert_counted_exactly_once(url) == events


def test_runners_following_a_log_being_written_skip_and_repeat_nothing(runtime: Runtime) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    runners = [counting_runner(runtime, batch_size=3) for _ in range(2)]
    writing = threading.Event()
    writing.set()

    def write() -> None:
        try:
            for number in range(60):
                runtime.community.join_member(
                    cmd.JoinMember(
                        display_name=f"Writer {number}",
                        identities=[IdentityRef(channel="github", handle=f"writer-{number}")],
                    )
                )
        finally:
            writing.clear()

    def follow(runner: ProjectionRunner) -> int:
        consumed = 0
        while writing.is_set():
            consumed += runner.catch_up()
        return consumed + runner.catch_up()

    with ThreadPoolExecutor(3) as executor:
        followers = [executor.submit(follow, runner) for runner in runners]
        executor.submit(write).result()
        consumed = sum(f.result() for f in followers)

    events = assert_counted_exactly_once(url)
    assert events == 120
    assert consumed == events


def _live_scenario(runtime: Runtime, project: Callable[[], object]) -> None:
    """Many kinds of events, projected page by page as they are written."""
    community = runtime.community
    seed_demo(community, 40, interactions=False)
    project()
    past = datetime.now(UTC) - timedelta(days=30)
    people = [
        community.join_member(
            cmd.JoinMember(
                display_name=f"Person {n}",
                email=f"person{n}@example.org",
                joined_at=past,
                source_channel="discord",
                attributes={"city": "Lyon", "rank": n},
                identities=[IdentityRef(channel="discord", handle=f"Person{n}")],
            )
        ).member.id
        for n in range(6)
    ]
    project()
    a, b, c, d, e, f = people
    community.update_member_profile(
        cmd.UpdateMemberProfile(member_id=a, display_name="Person A", attributes={"city": None})
    )
    community.update_member_profile(cmd.UpdateMemberProfile(member_id=b, clear_email=True))
    community.tag_member(cmd.TagMember(member_id=a, tag="speaker"))
    community.tag_member(cmd.TagMember(member_id=b, tag="speaker"))
    community.tag_member(cmd.TagMember(member_id=b, tag="beta"))
    project()
    community.untag_member(cmd.UntagMember(member_id=b, tag="speaker"))
    community.link_identity(cmd.LinkIdentity(member_id=c, channel="github", handle="@Cee"))
    community.unlink_identity(cmd.UnlinkIdentity(member_id=d, channel="discord", handle="person3"))
    community.link_identity(cmd.LinkIdentity(member_id=e, channel="discord", handle="PERSON3"))
    community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=c))
    community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=d))
    community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=d, is_bot=False))
    project()
    community.mark_member_left(cmd.MarkMemberLeft(member_id=e, left_at=past, reason="moved"))
    community.mark_member_left(cmd.MarkMemberLeft(member_id=f, left_at=past))
    community.rejoin_member(cmd.RejoinMember(member_id=f))
    community.link_identity(cmd.LinkIdentity(member_id=f, channel="slack", handle="eff"))
    community.unlink_identity(cmd.UnlinkIdentity(member_id=f, channel="slack", handle="eff"))
    community.tag_member(cmd.TagMember(member_id=f, tag="speaker"))
    project()
    community.erase_member(cmd.EraseMember(member_id=f))
    community.erase_member(cmd.EraseMember(member_id=a))
    project()


def test_a_rebuild_gives_the_rows_of_live_processing(database: str) -> None:
    live = Runtime.start(test_settings(database))
    try:
        runner = members_runner(live, batch_size=3)
        _live_scenario(live, runner.catch_up)
        assert runner.catch_up() == 0
    finally:
        live.close()
    incremental = members_snapshot(database)
    assert len(incremental["members"]) == 46
    assert incremental["member_identities"]
    assert stored_member_counts(database) == expected_member_counts(database)

    # A new process (nothing cached) rebuilds, in pages of another size.
    for batch_size in (1, 500):
        rebuilder = Runtime.start(test_settings(database))
        try:
            runner = members_runner(rebuilder, batch_size=batch_size)
            runner.reset()
            assert members_snapshot(database)["members"] == []
            runner.catch_up()
        finally:
            rebuilder.close()
        assert members_snapshot(database) == incremental
