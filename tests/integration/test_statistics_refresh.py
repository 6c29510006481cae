"""Projections keep the planner's statistics of tables that grow while they are projected."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from psycopg_pool import ConnectionPool

from api.bootstrap import use_cases
from api.projection_wiring import build_runners
from application.members.demo import seed_demo
from application.runtime import Runtime
from projections.engine import ProjectionRunner
from projections.positions import head_of_log
from projections.statistics import StatisticsKeeper
from tests.integration.conftest import execute, rows

pytestmark = pytest.mark.integration

ANALYZED = "SELECT relname, reltuples > 0 FROM pg_class WHERE relname = ANY(%s) ORDER BY 1"
TABLES = ["member_stage_history", "member_stages"]


def lifecycle(runtime: Runtime) -> ProjectionRunner:
    """The lifecycle runner, as the registry builds it."""
    return next(r for r in build_runners(runtime, batch_size=10) if r.name == "lifecycle")


def stage_changes(runtime: Runtime) -> ProjectionRunner:
    """Members judged once, their stage changes in the log, the empty tables analyzed."""
    seed_demo(runtime.community, 40, interactions=True)
    for runner in build_runners(runtime):
        runner.catch_up()
    runner = lifecycle(runtime)
    runner.reset()
    execute(runtime.database_url, "ANALYZE member_stage_history, member_stages")
    use_cases(runtime).evaluation.evaluate(datetime.now(UTC))
    return runner


def applied_until_analyzed(runtime: Runtime, runner: ProjectionRunner) -> list[tuple[object, ...]]:
    """Catch up, then apply pages until the server's counters show the writes (up to 5 s)."""
    runner.catch_up()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if runner.statistics.refresh_if_stale(runner.pool):
            break
        time.sleep(0.2)
    return rows(runtime.database_url, ANALYZED, (TABLES,))


def test_tables_grown_past_their_statistics_are_analyzed(runtime: Runtime) -> None:
    runner = stage_changes(runtime)
    assert rows(runtime.database_url, ANALYZED, (TABLES,)) == [(t, False) for t in TABLES]
    runner.statistics = StatisticsKeeper(runner.projection.tables, every_seconds=0, min_changes=5)
    assert applied_until_analyzed(runtime, runner) == [(t, True) for t in TABLES]
    # Analyzed now: nothing is stale until they change again.
    assert runner.statistics.refresh_if_stale(runner.pool) == []


def test_a_table_changed_by_less_than_the_threshold_is_left_alone(runtime: Runtime) -> None:
    runner = stage_changes(runtime)
    runner.statistics = StatisticsKeeper(
        runner.projection.tables, every_seconds=0, min_changes=1_000_000
    )
    assert applied_until_analyzed(runtime, runner) == [(t, False) for t in TABLES]


def test_checks_are_spaced_in_time(runtime: Runtime) -> None:
    runner = stage_changes(runtime)
    runner.statistics = StatisticsKeeper(
        runner.projection.tables, every_seconds=3600, min_changes=5
    )
    assert applied_until_analyzed(runtime, runner) == [(t, False) for t in TABLES]


class Recording(StatisticsKeeper):
    """Counts the pages that ask whether statistics are stale."""

    asked = 0

    def refresh_if_stale(self, pool: ConnectionPool) -> list[str]:
        self.asked += 1
        return []


def test_live_pages_ask_and_a_replay_does_not(runtime: Runtime) -> None:
    stage_changes(runtime)
    members = next(r for r in build_runners(runtime, batch_size=10) if r.name == "members")
    for replay, asked in ((True, 0), (False, 1)):
        members.reset(replay=replay)
        keeper = members.statistics = Recording(members.projection.tables)
        members.catch_up()
        assert (keeper.asked > 0) == bool(asked)


def test_a_writer_catching_up_to_its_own_write_does_not_ask(runtime: Runtime) -> None:
    runner = stage_changes(runtime)
    keeper = runner.statistics = Recording(runner.projection.tables)
    assert runner.catch_up_to(head_of_log(runtime.pool)) > 0
    assert keeper.asked == 0
