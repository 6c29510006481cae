"""Poison events: parked after bounded retries, the others applied, and retried or skipped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar
from uuid import UUID

import psycopg
import pytest
from psycopg import Cursor
from pydantic import ValidationError

from api.bootstrap import personal_data
from api.projection_wiring import build_runners
from application.members.demo import seed_demo
from application.runtime import Runtime
from domain.interactions.interaction import Interaction
from domain.members import commands as cmd
from projections.engine import ProjectionRunner
from projections.interactions.projection import EngagementProjection
from projections.parking import parked_counts, skip_parked
from projections.positions import PositionWatcher, head_of_log
from projections.projection import ProjectionMisconfigured
from projections.worker import ProjectionWorker
from tests.conftest import test_settings
from tests.integration.conftest import (
    CountingProjection,
    counting_runner,
    counting_state,
    create_counting_tables,
    rows,
    scalar,
)
from tests.integration.interactions.test_engagement_projection import interaction, joined
from tests.integration.test_engine import ProjectionCrash, position_of
from tests.integration.test_worker import stop_worker

pytestmark = pytest.mark.integration

BATCH = 10


class PoisonedCounting(CountingProjection):
    """The counting projection, failing on any page holding an event of a poisoned member."""

    def __init__(self, poisoned: set[UUID], *, in_database: bool = False) -> None:
        self.poisoned = poisoned
        self.in_database = in_database

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Write the page's rows, then fail if a poisoned member's event is among them."""
        super().apply(cursor, events)
        if any(e.originator_id in self.poisoned for e in events):
            if self.in_database:
                cursor.execute("SELECT 1 / 0")
            raise ProjectionCrash("poisoned member")


def community_with_poison(runtime: Runtime, *, before: int = 25, after: int = 25) -> UUID:
    """Members before and after one whose events are poison; returns the poisoned member."""
    seed_demo(runtime.community, before, interactions=False, seed=1)
    poisoned = runtime.community.join_member(cmd.JoinMember(display_name="Poison")).member.id
    seed_demo(runtime.community, after, interactions=False, seed=2)
    return poisoned


def events_of(url: str, member: UUID) -> list[tuple[Any, ...]]:
    """(notification id, originator id, version, topic) of a member's events, in log order."""
    return rows(
        url,
        "SELECT notification_id, originator_id, originator_version, topic FROM community_events"
        " WHERE originator_id = %s ORDER BY notification_id",
        (member,),
    )


def parked(url: str, projection: str) -> list[tuple[Any, ...]]:
    """The projection's parked events: (notification id, originator, version, topic, status)."""
    return rows(
        url,
        "SELECT notification_id, originator_id, originator_version, topic, status"
        " FROM parked_events WHERE projection = %s ORDER BY notification_id",
        (projection,),
    )


def counted_all_but(url: str, member: UUID) -> None:
    """Every event of the log was counted once, except the member's, counted never."""
    others = int(
        scalar(url, "SELECT count(*) FROM community_events WHERE originator_id <> %s", (member,))
    )
    assert counting_state(url) == (others, others, others)
    missing = scalar(
        url,
        "SELECT count(*) FROM community_events e WHERE e.originator_id <> %s AND NOT EXISTS"
        " (SELECT 1 FROM counted_events c WHERE c.originator_id = e.originator_id"
        " AND c.originator_version = e.originator_version)",
        (member,),
    )
    assert missing == 0
    assert (
        scalar(url, "SELECT count(*) FROM counted_events WHERE originator_id = %s", (member,)) == 0
    )


@pytest.mark.parametrize("in_database", [False, True], ids=["python-error", "sql-error"])
def test_a_poison_event_is_parked_after_bounded_retries_and_the_others_are_applied(
    runtime: Runtime, in_database: bool
) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    poisoned = community_with_poison(runtime)
    runner = counting_runner(
        runtime, PoisonedCounting({poisoned}, in_database=in_database), batch_size=BATCH
    )
    runner.max_attempts = 3

    # The first failures are retried as they are: the cause may be passing.
    for _ in range(2):
        with pytest.raises(ProjectionCrash if not in_database else Exception):
            runner.catch_up()
    stuck_at = position_of(url, "counting")
    assert stuck_at < events_of(url, poisoned)[0][0]

    runner.catch_up()  # the third failure in a row isolates the poison

    assert position_of(url, "counting") == head_of_log(runtime.pool)
    counted_all_but(url, poisoned)  # the poison's page-mates and later pages too
    poison = events_of(url, poisoned)
    assert parked(url, "counting") == [(*event, "parked") for event in poison]
    (error, attempts) = rows(url, "SELECT error, attempts FROM parked_events")[0]
    assert error.startswith("DivisionByZero" if in_database else "ProjectionCrash")
    assert attempts == 4  # three pages failed whole, then the event alone
    assert parked_counts(runtime.pool, ["counting", "members"]) == {
        "counting": len(poison),
        "members": 0,
    }


def test_the_worker_parks_a_poison_event_and_keeps_following(runtime: Runtime) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    poisoned = community_with_poison(runtime)
    watcher = PositionWatcher(runtime.pool)
    runner = counting_runner(runtime, PoisonedCounting({poisoned}), batch_size=BATCH)
    runner.watcher, runner.max_attempts = watcher, 2
    worker = ProjectionWorker(url, [runner], poll_seconds=0.2)
    worker.start()
    try:
        assert watcher.wait_for("counting", head_of_log(runtime.pool), timeout=60)
        for number in range(3):
            change = runtime.community.join_member(cmd.JoinMember(display_name=f"Later {number}"))
            assert change.position is not None
            assert watcher.wait_for("counting", change.position, timeout=30)
    finally:
        stop_worker(worker, url)
    counted_all_but(url, poisoned)
    assert len(parked(url, "counting")) == len(events_of(url, poisoned))


def test_retrying_parked_events_applies_them_once_their_cause_is_fixed(runtime: Runtime) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    poisoned = community_with_poison(runtime)
    projection = PoisonedCounting({poisoned})
    runner = counting_runner(runtime, projection, batch_size=BATCH)
    runner.max_attempts = 1
    runner.catch_up()
    poison = events_of(url, poisoned)

    assert runner.retry_parked() == (0, len(poison))  # the cause is still there
    assert scalar(url, "SELECT min(attempts) FROM parked_events") == 3
    assert parked_counts(runtime.pool, ["counting"]) == {"counting": len(poison)}

    projection.poisoned.clear()  # the cause is fixed
    assert runner.retry_parked() == (len(poison), 0)
    events = int(scalar(url, "SELECT count(*) FROM community_events"))
    assert counting_state(url)[:2] == (events, events)
    assert parked(url, "counting") == [(*event, "applied") for event in poison]
    assert parked_counts(runtime.pool, ["counting"]) == {"counting": 0}
    assert runner.retry_parked() == (0, 0)  # applied once, never again


def test_skipping_parked_events_keeps_them_for_audit_but_no_longer_counts_them(
    runtime: Runtime,
) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    poisoned = community_with_poison(runtime, before=5, after=5)
    runner = counting_runner(runtime, PoisonedCounting({poisoned}), batch_size=BATCH)
    runner.max_attempts = 1
    runner.catch_up()
    poison = events_of(url, poisoned)

    assert skip_parked(runtime.pool, ["counting", "members"]) == {
        "counting": len(poison),
        "members": 0,
    }
    assert parked(url, "counting") == [(*event, "skipped") for event in poison]
    assert parked_counts(runtime.pool, ["counting"]) == {"counting": 0}
    assert runner.retry_parked() == (0, 0)  # skipped events are not retried
    counted_all_but(url, poisoned)


class MissingTable(CountingProjection):
    """A projection whose table is gone: every page fails, whatever its events."""

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Write to a table that does not exist."""
        cursor.execute("INSERT INTO no_such_table VALUES (1)")


def test_a_failure_no_event_explains_is_retried_but_never_parked(runtime: Runtime) -> None:
    """A missing table (or a lost database) would park the whole log: the page waits."""
    url = runtime.database_url
    create_counting_tables(url)
    seed_demo(runtime.community, 5, interactions=False)
    runner = counting_runner(runtime, MissingTable(), batch_size=BATCH)
    runner.max_attempts, runner.retry_pause = 1, 0.0
    for _ in range(3):
        with pytest.raises(psycopg.errors.UndefinedTable):
            runner.catch_up()
    with pytest.raises(psycopg.errors.UndefinedTable):
        runner.catch_up(retrying=True)
    assert position_of(url, "counting") == 0
    assert parked(url, "counting") == []


def test_a_projection_built_without_the_member_keys_parks_nothing(runtime: Runtime) -> None:
    """Every event would fail alike: a mistake of set-up, not of the events."""
    seed_demo(runtime.community, 3, interactions=True)
    runner = ProjectionRunner(
        runtime.pool, runtime.community.mapper, EngagementProjection(), max_attempts=1
    )
    runner.retry_pause = 0.0
    with pytest.raises(ProjectionMisconfigured):
        runner.catch_up(retrying=True)
    assert position_of(runtime.database_url, "engagement") == 0
    assert parked(runtime.database_url, "engagement") == []


class PoisonedEngagement(EngagementProjection):
    """The engagement projection, failing on an interaction whose external id says poison."""

    name: ClassVar[str] = "engagement"
    # Every interaction decoded, so that the check sees each (plain ones are read in SQL).
    plain_topics: ClassVar[frozenset[str]] = frozenset()

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Fail on a poisoned interaction, else apply as usual."""
        _refuse_poison(events)
        super().apply(cursor, events)

    def apply_replay(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Fail on a poisoned interaction, else replay as usual."""
        _refuse_poison(events)
        super().apply_replay(cursor, events)


def _refuse_poison(events: Sequence[Any]) -> None:
    for event in events:
        if type(event) is Interaction.Recorded and event.external_id.startswith("poison"):
            raise ProjectionCrash(f"poisoned interaction {event.external_id}")


def test_a_rebuild_with_a_poison_event_completes(runtime: Runtime) -> None:
    url = runtime.database_url
    members = [joined(runtime, f"R{n}") for n in range(6)]
    for n, member in enumerate(members):
        records = [interaction(member, d, f"{n}-{d}") for d in (1, 5, 20)]
        if n == 2:
            records.insert(1, interaction(member, 3, "poison-1"))
        runtime.community.record_interactions(records, create_unknown_members=False)
    runner = ProjectionRunner(
        runtime.pool,
        runtime.community.mapper,
        PoisonedEngagement(personal=personal_data(runtime)),
        batch_size=4,
        max_attempts=2,
        retry_pause=0.01,
    )

    runner.reset(replay=True)
    runner.catch_up(retrying=True)  # as `crm project --rebuild` runs it

    assert position_of(url, "engagement") == head_of_log(runtime.pool)
    assert scalar(url, "SELECT replay FROM projection_positions WHERE name = 'engagement'") is None
    assert scalar(url, "SELECT count(*) FROM pg_indexes WHERE tablename = 'member_interactions'")
    assert (
        rows(url, "SELECT external_id FROM member_interactions WHERE external_id LIKE 'poison%%'")
        == []
    )
    assert scalar(url, "SELECT count(*) FROM member_interactions") == 18
    totals = rows(url, "SELECT member_id, interactions FROM member_engagement")
    assert sorted(n for _, n in totals) == [3] * 6
    (poison,) = parked(url, "engagement")
    assert poison[3] == Interaction.Recorded.TOPIC and poison[4] == "parked"

    # A rebuild tries every event again: once the cause is gone, nothing stays parked.
    fixed = ProjectionRunner(
        runtime.pool,
        runtime.community.mapper,
        EngagementProjection(personal=personal_data(runtime)),
    )
    fixed.reset(replay=True)
    fixed.catch_up(retrying=True)
    assert parked(url, "engagement") == []
    assert scalar(url, "SELECT count(*) FROM member_interactions") == 19


def test_the_attempts_before_parking_are_a_bounded_setting(database: str) -> None:
    runtime = Runtime.start(test_settings(database, projection_max_attempts=5))
    try:
        assert {runner.max_attempts for runner in build_runners(runtime)} == {5}
    finally:
        runtime.close()
    for refused in (0, 101):
        with pytest.raises(ValidationError, match="projection_max_attempts"):
            test_settings(database, projection_max_attempts=refused)
