"""The projection worker: every runner in a thread of its own, none waiting for the others."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import psycopg
import pytest
from psycopg import Cursor
from psycopg_pool import ConnectionPool

from api.projection_wiring import build_runners
from application.members.demo import seed_demo
from application.runtime import Runtime
from domain.members import commands as cmd
from domain.members.member import Member
from projections.catch_ups import catch_up_together
from projections.engine import ProjectionRunner
from projections.positions import PositionWatcher, head_of_log, lags
from projections.runner_thread import RunnerThread
from projections.worker import ProjectionWorker
from tests.integration.conftest import (
    CountingProjection,
    assert_counted_exactly_once,
    counting_runner,
    create_counting_tables,
    rows,
    scalar,
)
from tests.integration.test_engine import BATCH, CountingThatFails, ProjectionCrash

pytestmark = pytest.mark.integration

LISTENING = 'LISTEN "community_events"'


def stop_worker(worker: ProjectionWorker, url: str) -> None:
    """Stop a worker; its listener, every runner's thread and its maintenance end."""
    worker.stopping.set()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute('NOTIFY "community_events"')
    worker.stop(timeout=30)
    assert worker._thread is not None and not worker._thread.is_alive()
    assert [t.name for t in worker.threads if t.is_alive()] == []


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll until the condition holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the condition never held")
        time.sleep(0.02)


def listeners(url: str, application: str | None = None) -> int:
    """How many connections of this database wait on the events' channel."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    query += " AND query = %s AND (%s::text IS NULL OR application_name = %s)"
    return int(scalar(url, query, (LISTENING, application, application)))


def test_the_worker_follows_new_events_as_they_are_written(runtime: Runtime) -> None:
    watcher = PositionWatcher(runtime.pool)
    worker = ProjectionWorker(
        runtime.database_url, build_runners(runtime, watcher), poll_seconds=0.2
    )
    worker.start()
    try:
        for number in range(3):
            change = runtime.community.join_member(
                cmd.JoinMember(display_name=f"Follower {number}")
            )
            assert change.position is not None
            assert watcher.wait_for("members", change.position, timeout=30)
            name = scalar(
                runtime.database_url,
                "SELECT display_name FROM members WHERE member_id = %s",
                (change.member.id,),
            )
            assert name == f"Follower {number}"
    finally:
        stop_worker(worker, runtime.database_url)


def test_a_worker_with_a_very_long_poll_wakes_on_notifications(runtime: Runtime) -> None:
    url = runtime.database_url
    seed_demo(runtime.community, 20, interactions=False)
    watcher = PositionWatcher(runtime.pool)
    runners = build_runners(runtime, watcher)
    # It could only see new events by polling after an hour: notifications must wake it.
    worker = ProjectionWorker(url, runners, poll_seconds=3600)
    worker.start()
    try:
        assert watcher.wait_for("members", head_of_log(runtime.pool), timeout=30)
        wait_until(lambda: listeners(url) == 1)
        for number in range(3):
            change = runtime.community.join_member(cmd.JoinMember(display_name=f"Woken {number}"))
            assert change.position is not None
            assert watcher.wait_for("members", change.position, timeout=30)
        assert scalar(url, "SELECT count(*) FROM members") == 23
        # Projections with none of the new events' topics move past them without a page.
        disclosures = next(r for r in runners if r.name == "disclosures")
        assert Member.Joined.TOPIC not in disclosures.projection.topics
        for runner in runners:
            assert watcher.wait_for(runner.name, head_of_log(runtime.pool), timeout=30)
    finally:
        stop_worker(worker, url)


def test_the_worker_retries_after_a_failing_page_and_applies_each_event_once(
    runtime: Runtime,
) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    seed_demo(runtime.community, 40, interactions=False)
    watcher = PositionWatcher(runtime.pool)
    runner = counting_runner(runtime, CountingThatFails(page=2), batch_size=BATCH)
    runner.watcher = watcher
    worker = ProjectionWorker(url, [runner], poll_seconds=0.2)
    worker.start()
    try:
        assert watcher.wait_for("counting", head_of_log(runtime.pool), timeout=30)
    finally:
        stop_worker(worker, url)
    assert_counted_exactly_once(url)


class AlwaysFailing(CountingProjection):
    """A projection with a poison event: every page it is given fails."""

    name: ClassVar[str] = "always_failing"

    calls = 0

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Fail, every time, counting the attempts."""
        self.calls += 1
        raise ProjectionCrash("this projection never succeeds")


class Blocked(CountingProjection):
    """A projection whose page never ends until the test releases it."""

    name: ClassVar[str] = "blocked"

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Hold the page open until released; record nothing."""
        self.entered.set()
        self.release.wait(60)


def test_a_failing_projection_does_not_hold_the_others_back(runtime: Runtime) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    seed_demo(runtime.community, 30, interactions=False)
    watcher = PositionWatcher(runtime.pool)
    failing = AlwaysFailing()
    failing_runner = counting_runner(runtime, failing, batch_size=BATCH)
    failing_runner.max_attempts = 1_000  # still retrying as a whole, never parking
    healthy = counting_runner(runtime, batch_size=BATCH)
    healthy.watcher = watcher
    worker = ProjectionWorker(url, [failing_runner, healthy], poll_seconds=0.2)
    worker.start()
    try:
        assert watcher.wait_for("counting", head_of_log(runtime.pool), timeout=30)
        # While it pauses before its next try, the others follow new events at once.
        change = runtime.community.join_member(cmd.JoinMember(display_name="Meanwhile"))
        assert change.position is not None
        assert watcher.wait_for("counting", change.position, timeout=30)
    finally:
        stop_worker(worker, url)
    assert failing.calls >= 1
    assert_counted_exactly_once(url)
    stuck = {lag.name: lag.position for lag in lags(runtime.pool, ["always_failing"])}
    assert stuck == {"always_failing": 0}


def test_a_projection_in_the_middle_of_a_page_does_not_delay_the_others(
    runtime: Runtime,
) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    seed_demo(runtime.community, 30, interactions=False)
    watcher = PositionWatcher(runtime.pool)
    blocked = Blocked()
    healthy = counting_runner(runtime, batch_size=BATCH)
    healthy.watcher = watcher
    runners = [counting_runner(runtime, blocked, batch_size=BATCH), healthy]
    worker = ProjectionWorker(url, runners, poll_seconds=0.2, concurrency=2)
    worker.start()
    try:
        assert blocked.entered.wait(30)
        # In turns, every runner would wait for the blocked page to end.
        assert watcher.wait_for("counting", head_of_log(runtime.pool), timeout=30)
        change = runtime.community.join_member(cmd.JoinMember(display_name="Meanwhile"))
        assert change.position is not None
        assert watcher.wait_for("counting", change.position, timeout=30)
        assert not blocked.release.is_set()
    finally:
        blocked.release.set()
        stop_worker(worker, url)
    assert_counted_exactly_once(url)


def test_a_failing_projection_is_retried_after_a_growing_pause(runtime: Runtime) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    seed_demo(runtime.community, 5, interactions=False)
    failing = AlwaysFailing()
    runner = counting_runner(runtime, failing, batch_size=BATCH)
    runner.max_attempts = 1_000  # retried as a whole, never parked, during the test
    thread = RunnerThread(
        runner, slots=threading.Semaphore(1), stopping=threading.Event(), poll_seconds=0.05
    )
    first, second = thread.catch_up(), thread.catch_up()
    assert failing.calls == 2
    assert 0 < first < second
    # Running, it is woken again and again, but tries again only once the pause is over.
    failing.calls = 0
    thread.start()
    try:
        for _ in range(20):
            thread.wake.set()
            time.sleep(0.02)
    finally:
        thread.stopping.set()
        thread.join(30)
    assert failing.calls == 1
    assert not thread.is_alive()


def test_two_workers_on_one_database_apply_every_event_once(runtime: Runtime) -> None:
    """Server and worker both run the projections: each page is still applied once."""
    url = runtime.database_url
    create_counting_tables(url)
    seed_demo(runtime.community, 20, interactions=False)
    watcher = PositionWatcher(runtime.pool)
    workers = []
    for _ in range(2):
        runner = counting_runner(runtime, batch_size=3)
        runner.watcher = watcher
        workers.append(ProjectionWorker(url, [runner], poll_seconds=0.05))
    for worker in workers:
        worker.start()
    try:
        for number in range(20):
            runtime.community.join_member(cmd.JoinMember(display_name=f"Twice {number}"))
        assert watcher.wait_for("counting", head_of_log(runtime.pool), timeout=30)
    finally:
        for worker in workers:
            stop_worker(worker, url)
    assert_counted_exactly_once(url)


def test_a_worker_that_loses_the_database_reconnects(runtime: Runtime) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    name = "crm-lost-worker"
    own = f"{url}{'&' if '?' in url else '?'}application_name={name}"
    pool = ConnectionPool(own, min_size=1, max_size=2, kwargs={"autocommit": True}, open=True)
    watcher = PositionWatcher(runtime.pool)
    runner = ProjectionRunner(pool, runtime.community.mapper, CountingProjection(), batch_size=5)
    runner.watcher = watcher
    # Polling after an hour: only a listener that reconnected can wake it for new events.
    worker = ProjectionWorker(own, [runner], poll_seconds=3600, concurrency=2)
    worker.start()
    try:
        wait_until(lambda: listeners(url, name) == 1)
        ended = rows(
            url,
            "SELECT query = %s, pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = %s",
            (LISTENING, name),
        )
        # The listener surely, and the pool's connections (one may close on its own).
        assert [done for listening, done in ended if listening] == [True]
        assert sum(1 for _, done in ended if done) >= 2
        for number in range(5):
            runtime.community.join_member(cmd.JoinMember(display_name=f"After {number}"))
        assert watcher.wait_for("counting", head_of_log(runtime.pool), timeout=30)
        change = runtime.community.join_member(cmd.JoinMember(display_name="Woken"))
        assert change.position is not None
        assert watcher.wait_for("counting", change.position, timeout=30)
    finally:
        stop_worker(worker, url)
        pool.close()
    assert_counted_exactly_once(url)


def test_projections_caught_up_together_all_run_and_the_failure_is_raised(
    runtime: Runtime,
) -> None:
    url = runtime.database_url
    create_counting_tables(url)
    seed_demo(runtime.community, 30, interactions=False)
    failing = counting_runner(runtime, AlwaysFailing(), batch_size=BATCH)
    healthy = counting_runner(runtime, batch_size=BATCH)
    with pytest.raises(ProjectionCrash):
        catch_up_together([failing, healthy])
    # The healthy one ran to the head all the same, each event once.
    assert healthy.position == head_of_log(runtime.pool)
    assert_counted_exactly_once(url)
