"""`crm worker --only` and `--skip`: the projections shared by worker processes."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.projection_wiring import projection_worker
from application.members.demo import seed_demo
from application.runtime import Runtime
from projections.positions import head_of_log, lags
from projections.registry import projection_names
from tests.integration.test_cli import DEADLINE_SECONDS, crm_command, crm_env

pytestmark = pytest.mark.integration

MEMBERS = 60


def start(url: str, folder: Path, name: str, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
    """`crm worker ARGS` on the test database, logging to folder/name."""
    env = crm_env(url, CRM_PROJECTION_BATCH_SIZE="50", CRM_PROJECTION_POLL_SECONDS="0.2")
    log = folder / name
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*crm_command(), "worker", *args], env=env, cwd=folder, stdout=output, stderr=output
        )
    return process, log


def positions(runtime: Runtime) -> dict[str, int]:
    """Where each projection stands."""
    return {lag.name: lag.position for lag in lags(runtime.pool, projection_names())}


def wait_until(
    reached: dict[str, int], runtime: Runtime, process: subprocess.Popen[bytes], log: Path
) -> None:
    """Poll until every named projection is at its position; fail if the worker died."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while any(positions(runtime)[name] < at for name, at in reached.items()):
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"stuck at {positions(runtime)}:\n{log.read_text()}")
        time.sleep(0.05)


def stop(process: subprocess.Popen[bytes], log: Path) -> None:
    """SIGTERM, and the worker exits cleanly."""
    process.send_signal(signal.SIGTERM)
    try:
        assert process.wait(timeout=DEADLINE_SECONDS) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()


def test_two_workers_share_the_projections_without_overlap(
    runtime: Runtime, tmp_path: Path
) -> None:
    url = runtime.database_url
    seed_demo(runtime.community, MEMBERS)
    head = head_of_log(runtime.pool)
    others = [name for name in projection_names() if name != "engagement"]

    alone, alone_log = start(url, tmp_path, "engagement.log", "--only", "engagement")
    try:
        wait_until({"engagement": head}, runtime, alone, alone_log)
        # The chosen projection alone: the others have not moved.
        assert all(positions(runtime)[name] == 0 for name in others)
        rest, rest_log = start(url, tmp_path, "rest.log", "--skip", "engagement")
        try:
            wait_until(dict.fromkeys(projection_names(), head), runtime, rest, rest_log)
        finally:
            stop(rest, rest_log)
    finally:
        stop(alone, alone_log)
    assert "projecting engagement;" in alone_log.read_text()
    assert "engagement" not in rest_log.read_text().split(";")[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "engagement", "--skip", "members"], "give --only or --skip, not both"),
        (["--only", "engagment"], "unknown projection 'engagment'"),
        (["--skip", "nope"], "unknown projection 'nope'"),
        ([arg for name in projection_names() for arg in ("--skip", name)], "leaves no projection"),
    ],
)
def test_a_worker_refuses_a_choice_it_cannot_run(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["worker", *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_a_worker_of_chosen_projections_leaves_the_maintenance_to_the_other(
    runtime: Runtime,
) -> None:
    chosen = projection_worker(runtime, names={"engagement", "members"}, maintain=False)
    rest = projection_worker(runtime, names={"lifecycle"})
    assert [runner.name for runner in chosen.runners] == ["members", "engagement"]
    assert chosen.maintenance is None
    assert [runner.name for runner in rest.runners] == ["lifecycle"]
    assert rest.maintenance is not None
