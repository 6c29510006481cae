"""The embedded server after a crm process was killed (kill -9): still stopped by the last user."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from application.embedded import USERS_FILE, forget_dead_users, start_embedded_server

# A crm process: joins the server in `folder`, says so, then waits to be killed.
USER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from application.embedded import start_embedded_server
    start_embedded_server(Path(sys.argv[1]))
    print("ready", flush=True)
    time.sleep(600)
    """
)


def _postmaster(pgdata: Path) -> psutil.Process | None:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    try:
        return psutil.Process(int(pid_file.read_text().split()[0]))
    except psutil.NoSuchProcess:
        return None


def _killed_user(folder: Path) -> int:
    """Run a process that joins the server, kill -9 it, and return its (dead) id."""
    user = subprocess.Popen(
        [sys.executable, "-c", USER, str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert user.stdout and user.stdout.readline().strip() == "ready"
    finally:
        os.kill(user.pid, signal.SIGKILL)
        user.wait(10)
    return user.pid


def test_a_killed_user_no_longer_keeps_the_server_running(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pgdata = tmp_path / "postgres"
    dead = _killed_user(tmp_path)
    postmaster = _postmaster(pgdata)
    try:
        assert postmaster is not None and postmaster.is_running()
        assert dead in json.loads((pgdata / USERS_FILE).read_text())
        with caplog.at_level(logging.INFO, logger="application.embedded"):
            server = start_embedded_server(tmp_path)
        assert "using the running embedded PostgreSQL" in caplog.text
        assert "starting embedded PostgreSQL" not in caplog.text
        assert json.loads((pgdata / USERS_FILE).read_text()) == [os.getpid()]
        server.stop()  # the last live user: the server stops
        postmaster.wait(30)
        assert not postmaster.is_running()
    finally:
        if postmaster is not None and postmaster.is_running():
            postmaster.terminate()
            postmaster.wait(30)


def test_a_new_server_says_it_starts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="application.embedded"):
        server = start_embedded_server(tmp_path)
    try:
        assert "starting embedded PostgreSQL" in caplog.text
    finally:
        server.stop()


def test_only_dead_ids_are_forgotten(tmp_path: Path) -> None:
    users = tmp_path / USERS_FILE
    exited = subprocess.Popen([sys.executable, "-c", "pass"])
    exited.wait(10)
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while psutil.Process(zombie.pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    users.write_text(json.dumps([os.getpid(), exited.pid, zombie.pid]))
    assert sorted(forget_dead_users(users)) == sorted([exited.pid, zombie.pid])
    assert json.loads(users.read_text()) == [os.getpid()]
    zombie.wait(10)
    users.write_text("not json")
    assert forget_dead_users(users) == [] and json.loads(users.read_text()) == []
