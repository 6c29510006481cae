"""`crm worker` as a real process: SIGKILLed mid catch-up, restarted, nothing lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from application.members.demo import seed_demo
from application.runtime import Runtime
from domain.members import commands as cmd
from domain.members.member import Member
from projections.positions import head_of_log, lags
from tests.conftest import TEST_SECRET
from tests.integration.conftest import (
    expected_member_counts,
    members_runner,
    members_snapshot,
    rows,
    scalar,
    stored_member_counts,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 1000
# Generous bound on how long a step may take, so that a broken worker fails instead of hanging.
DEADLINE_SECONDS = 120


def crm_command() -> list[str]:
    """The `crm` console script of this environment (or the same entry point via python)."""
    script = Path(sys.executable).with_name("crm")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from api.cli import main; main()"]


def crm_env(url: str, **extra: str) -> dict[str, str]:
    """Environment of a `crm` process on the test database."""
    return {
        **os.environ,
        "CRM_DATABASE_URL": url,
        "CRM_SECRET_KEY": TEST_SECRET,
        "CRM_ENVIRONMENT": "test",
        "CRM_LOG_LEVEL": "warning",
        # Small pools, as the tests' own settings (tests/conftest.py).
        "CRM_POOL_SIZE": "5",
        "CRM_EVENT_STORE_POOL_SIZE": "2",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def start_worker(url: str, folder: Path, log_name: str) -> tuple[subprocess.Popen[bytes], Path]:
    """Start `crm worker` on the test database, logging to a file in folder."""
    env = crm_env(url, CRM_PROJECTION_BATCH_SIZE="10", CRM_PROJECTION_POLL_SECONDS="0.2")
    log = folder / log_name
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*crm_command(), "worker"], env=env, cwd=folder, stdout=output, stderr=output
        )
    return process, log


def members_position(url: str) -> int:
    """Where the members projection stands (0 before it first ran)."""
    found = rows(url, "SELECT position FROM projection_positions WHERE name = 'members'")
    return int(found[0][0]) if found else 0


def wait_for_position(url: str, reached: int, process: subprocess.Popen[bytes], log: Path) -> int:
    """Poll until the members projection reaches `reached`; fail if the worker died first."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while (position := members_position(url)) < reached:
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"the worker stayed at {position} of {reached}:\n{log.read_text()}")
        time.sleep(0.01)
    return position


def joined_member_ids(url: str, up_to: int) -> set[object]:
    """Members whose Joined event is at or before this notification."""
    return {
        row[0]
        for row in rows(
            url,
            "SELECT originator_id FROM community_events WHERE topic = %s AND notification_id <= %s",
            (Member.Joined.TOPIC, up_to),
        )
    }


def projected_member_ids(url: str) -> list[object]:
    """Member ids of the members table (with repeats, if there were any)."""
    return [row[0] for row in rows(url, "SELECT member_id FROM members")]


def test_a_killed_worker_restarts_where_it_stopped_and_projects_everything_once(
    runtime: Runtime, tmp_path: Path
) -> None:
    url = runtime.database_url
    seed_demo(runtime.community, MEMBERS, interactions=False)
    head = head_of_log(runtime.pool)

    first, first_log = start_worker(url, tmp_path, "first.log")
    try:
        wait_for_position(url, head // 5, first, first_log)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=DEADLINE_SECONDS)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL

    # Killed mid catch-up: exactly the members of the committed pages are there.
    stopped_at = members_position(url)
    assert 0 < stopped_at < head
    assert sorted(map(str, projected_member_ids(url))) == sorted(
        map(str, joined_member_ids(url, stopped_at))
    )
    assert stored_member_counts(url) == expected_member_counts(url)
    (lag,) = lags(runtime.pool, ["members"])
    assert (lag.position, lag.head, lag.behind) == (stopped_at, head, head - stopped_at)

    second, second_log = start_worker(url, tmp_path, "second.log")
    try:
        wait_for_position(url, head, second, second_log)
        late = runtime.community.join_member(cmd.JoinMember(display_name="Late Arrival"))
        assert late.position is not None
        wait_for_position(url, late.position, second, second_log)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=DEADLINE_SECONDS) == 0, second_log.read_text()
    finally:
        if second.poll() is None:
            second.kill()

    everyone = joined_member_ids(url, late.position)
    projected = projected_member_ids(url)
    assert len(everyone) == MEMBERS + 1
    assert len(projected) == len(set(projected)) == len(everyone)
    assert set(map(str, projected)) == set(map(str, everyone))
    assert stored_member_counts(url) == expected_member_counts(url)
    for status, count in rows(url, "SELECT status, count(*) FROM members GROUP BY status"):
        stored = scalar(
            url,
            "SELECT count FROM member_counts WHERE dimension = 'status' AND value = %s",
            (status,),
        )
        assert stored == count
    left = scalar(
        url, "SELECT count(*) FROM community_events WHERE topic = %s", (Member.Left.TOPIC,)
    )
    assert scalar(url, "SELECT count(*) FROM members WHERE status = 'left'") == left > 0
    (lag,) = lags(runtime.pool, ["members"])
    assert lag.behind == 0

    # The crash left no trace: a rebuild from the log gives the very same rows.
    after_crash = members_snapshot(url)
    runner = members_runner(runtime, batch_size=1000)
    runner.reset()
    runner.catch_up()
    assert members_snapshot(url) == after_crash
