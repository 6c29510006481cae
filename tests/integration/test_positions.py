"""Projection positions: lag behind the log, and waiting until a position is applied."""

from __future__ import annotations

import threading

import pytest

from application.members.demo import seed_demo
from application.runtime import Runtime
from domain.members import commands as cmd
from projections.positions import Lag, PositionWatcher, head_of_log, lags
from tests.integration.conftest import members_runner, scalar

pytestmark = pytest.mark.integration


def test_lags_tell_how_far_each_projection_is_behind(runtime: Runtime) -> None:
    assert lags(runtime.pool, ["members"]) == [Lag("members", 0, 0)]

    seed_demo(runtime.community, 30, interactions=False)
    head = head_of_log(runtime.pool)
    assert head == scalar(runtime.database_url, "SELECT max(notification_id) FROM community_events")
    runner = members_runner(runtime, batch_size=10)
    assert [lag.behind for lag in lags(runtime.pool, ["members", "unknown"])] == [head, head]

    runner.run_page()
    (lag,) = lags(runtime.pool, ["members"])
    tenth = scalar(
        runtime.database_url,
        "SELECT notification_id FROM community_events ORDER BY notification_id OFFSET 9 LIMIT 1",
    )
    assert (lag.position, lag.head, lag.behind) == (tenth, head, head - tenth)

    runner.catch_up()
    assert lags(runtime.pool, ["members"]) == [Lag("members", head, head)]
    assert lags(runtime.pool, ["members"])[0].behind == 0


def test_waiting_sees_a_position_reached_by_a_runner_elsewhere(runtime: Runtime) -> None:
    seed_demo(runtime.community, 50, interactions=False)
    change = runtime.community.join_member(cmd.JoinMember(display_name="Waited For"))
    assert change.position is not None
    # This watcher hears nothing from the runner: it must find the progress in the database.
    watcher = PositionWatcher(runtime.pool)
    runner = members_runner(runtime, batch_size=5)
    assert not watcher.wait_for("members", change.position, timeout=0.05)

    elsewhere = threading.Thread(target=runner.catch_up)
    elsewhere.start()
    try:
        assert watcher.wait_for("members", change.position, timeout=30)
    finally:
        elsewhere.join()
    assert (
        scalar(
            runtime.database_url,
            "SELECT display_name FROM members WHERE member_id = %s",
            (change.member.id,),
        )
        == "Waited For"
    )
    # Nobody will ever apply a notification that does not exist.
    assert not watcher.wait_for("members", change.position + 1_000, timeout=0.05)


def test_waiting_is_told_by_a_runner_of_this_process(runtime: Runtime) -> None:
    watcher = PositionWatcher(runtime.pool)
    runner = members_runner(runtime, batch_size=5, watcher=watcher)
    positions = []
    for number in range(3):
        change = runtime.community.join_member(cmd.JoinMember(display_name=f"Told {number}"))
        assert change.position is not None
        positions.append(change.position)
        assert not watcher.wait_for("members", change.position, timeout=0)

    follower = threading.Thread(target=runner.catch_up)
    follower.start()
    try:
        assert all(watcher.wait_for("members", p, timeout=30) for p in positions)
    finally:
        follower.join()
