"""The benchmark's CPU account: each process's CPU lands under its kind."""

from __future__ import annotations

import subprocess
import sys
import uuid

from bench.cpu_account import CpuAccount, difference, kind

SPIN = """import time
start = time.process_time()
while time.process_time() - start < 0.6:
    pass
time.sleep(0.3)
"""


def test_command_lines_are_told_apart() -> None:
    python = "/venv/bin/python"
    assert kind([python, "-m", "api.cli", "import", "/w/file.ndjson"]) == "crm import"
    assert kind([python, "-m", "api.cli", "worker", "--only", "engagement"]) == (
        "crm worker --only engagement"
    )
    assert kind(["postgres: 16/main: postgres crm_bench 127.0.0.1(5) idle"]) == "postgres"
    assert kind(["/usr/lib/postgresql/16/bin/postgres", "-D", "/data"]) == "postgres"
    assert kind([python, "-m", "bench.run", "--quick"]) == "bench"
    assert kind([python, "-c", "from multiprocessing.spawn import spawn_main"]) is None
    uvicorn = [python, "-m", "uvicorn", "api.app:production_app", "--factory", "--workers", "2"]
    assert kind(uvicorn) == "crm serve"


def test_a_finished_child_counts_toward_its_kind() -> None:
    account = CpuAccount(interval=0.05).start()
    try:
        before = account.totals()
        # The child names itself like a crm subcommand of its own, so that nothing else on
        # the machine shares its kind; it sleeps after spinning so that a poll sees its CPU.
        name = f"spin-{uuid.uuid4().hex}"
        subprocess.run([sys.executable, "-c", SPIN, "api.cli", name], check=True)
        used = difference(account.totals(), before)
    finally:
        account.stop()
    assert 0.4 <= used[f"crm {name}"] <= 1.5
    assert used["machine busy"] >= 0.4


def test_a_process_that_replaces_its_program_keeps_its_kind() -> None:
    account = CpuAccount(interval=0.05).start()
    try:
        before = account.totals()
        name = f"spin-{uuid.uuid4().hex}"
        # Seen first as a crm subcommand, then running a program no kind matches, as
        # `crm serve --workers N` becomes uvicorn's supervisor.
        become = (
            "import os, sys, time; time.sleep(0.3);"
            f" os.execv(sys.executable, [sys.executable, '-c', {SPIN!r}])"
        )
        subprocess.run([sys.executable, "-c", become, "api.cli", name], check=True)
        used = difference(account.totals(), before)
    finally:
        account.stop()
    assert 0.4 <= used[f"crm {name}"] <= 1.5
