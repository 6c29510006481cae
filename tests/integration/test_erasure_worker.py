"""`crm worker` as a real process rewrites the tables after an erasure; `crm status` shows it."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.members import commands as cmd
from tests.integration.conftest import rows
from tests.integration.test_cli import crm_command, crm_env

pytestmark = pytest.mark.integration


def status(url: str) -> str:
    """What `crm status` prints."""
    finished = subprocess.run(
        [*crm_command(), "status"],
        env=crm_env(url, COLUMNS="200"),
        capture_output=True,
        timeout=60,
        check=True,
    )
    return finished.stdout.decode()


def test_the_worker_compacts_after_an_erasure_and_status_says_what_waits(
    runtime: Runtime, tmp_path: Path
) -> None:
    url = runtime.database_url
    member_id = runtime.community.join_member(cmd.JoinMember(display_name="Soon Gone")).member.id
    runtime.community.erase_member(cmd.EraseMember(member_id=member_id))
    for runner in build_runners(runtime):
        runner.catch_up()
    assert "erasures waiting for compaction: 1, the oldest erased at" in status(url)

    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [*crm_command(), "worker"],
            env=crm_env(url, CRM_ERASURE_COMPACTION_SECONDS="0"),
            cwd=tmp_path,
            stdout=output,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + 60
        while rows(url, "SELECT compacted_at FROM erasure_compactions") == [(None,)]:
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    assert "erasures waiting for compaction: none" in status(url)
