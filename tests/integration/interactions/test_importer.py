"""`crm import interactions`: NDJSON and CSV files, resumable without double counting."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest

from application.interactions.importer import Checkpoint, import_interactions
from application.interactions.ingestion import Ingestion
from application.runtime import Runtime
from application.statistics import IMPORTED_TABLES
from domain.interactions.interaction import Interaction
from domain.members import commands as cmd
from domain.members.member import Member
from tests.integration.conftest import after_recording, rows, scalar
from tests.integration.test_cli import crm_command, crm_env

pytestmark = pytest.mark.integration

WHEN = (datetime.now(UTC) - timedelta(days=3)).isoformat()


def write_ndjson(path: Path, member_id: str, count: int) -> Path:
    """A file of `count` messages by one member."""
    with path.open("w") as out:
        for n in range(count):
            record = {
                "member_id": member_id,
                "channel": "discord",
                "kind": "message",
                "occurred_at": WHEN,
                "external_id": f"file-{n}",
            }
            out.write(json.dumps(record) + "\n")
    return path


def stored(runtime: Runtime) -> int:
    """Interaction events in the log."""
    return int(
        scalar(
            runtime.database_url,
            "SELECT count(*) FROM community_events WHERE topic = %s",
            (Interaction.Recorded.TOPIC,),
        )
    )


def member(runtime: Runtime) -> str:
    """A new member's id, as text."""
    return str(runtime.community.join_member(cmd.JoinMember(display_name="Importer")).member.id)


class CrashAfter(Ingestion):
    """An ingestion that dies after committing some batches, like a killed process."""

    def __init__(self, runtime: Runtime, *, batch_size: int, batches: int) -> None:
        super().__init__(
            runtime.community,
            after_recording(runtime),
            create_unknown_members=False,
            max_json_depth=runtime.settings.max_json_depth,
            batch_size=batch_size,
        )
        self.left = batches

    def flush(self) -> None:
        """Commit, then crash once the budget of batches is spent."""
        if self.left == 0:
            raise KeyboardInterrupt("killed mid-import")
        self.left -= 1
        super().flush()


def test_an_interrupted_import_resumes_without_double_counting(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = write_ndjson(tmp_path / "messages.ndjson", member(runtime), 95)
    crashing = CrashAfter(runtime, batch_size=20, batches=2)
    with pytest.raises(KeyboardInterrupt):
        import_interactions(crashing, path, file_format="ndjson")
    checkpoint = Checkpoint.load(path)
    assert checkpoint is not None and checkpoint.lines_done == 40
    assert stored(runtime) == 40

    fresh = Ingestion(
        runtime.community,
        after_recording(runtime),
        max_json_depth=runtime.settings.max_json_depth,
        create_unknown_members=False,
        batch_size=20,
    )
    totals, skipped = import_interactions(fresh, path, file_format="ndjson")
    assert skipped == 40
    assert (totals.accepted, totals.duplicates, totals.rejected) == (55, 0, 0)
    assert stored(runtime) == 95
    assert Checkpoint.load(path) is None


def test_a_changed_file_or_restart_ignores_the_checkpoint(runtime: Runtime, tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "messages.ndjson", member(runtime), 10)
    stat = path.stat()
    Checkpoint(path, stat.st_size, stat.st_mtime_ns, 10).save()
    again = Ingestion(
        runtime.community,
        after_recording(runtime),
        max_json_depth=runtime.settings.max_json_depth,
        create_unknown_members=False,
        batch_size=3,
    )
    totals, skipped = import_interactions(again, path, file_format="ndjson", restart=True)
    assert (skipped, totals.accepted) == (0, 10)
    Checkpoint(path, stat.st_size + 1, stat.st_mtime_ns, 10).save()
    assert Checkpoint.load(path) is None
    rerun = Ingestion(
        runtime.community,
        after_recording(runtime),
        max_json_depth=runtime.settings.max_json_depth,
        create_unknown_members=False,
        batch_size=3,
    )
    totals, skipped = import_interactions(rerun, path, file_format="ndjson")
    assert (skipped, totals.accepted, totals.duplicates) == (0, 0, 10)


def test_csv_files_with_identities_create_members_when_asked(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = tmp_path / "forum.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "identity_channel",
                "identity_handle",
                "channel",
                "kind",
                "occurred_at",
                "external_id",
                "summary",
            ]
        )
        writer.writerow(["discourse", "alice", "discourse", "post", WHEN, "p1", "Hello, world"])
        writer.writerow(["discourse", "Alice", "discourse", "reply", WHEN, "p2", ""])
        writer.writerow(["discourse", "bob", "discourse", "hug", WHEN, "p3", ""])
        writer.writerow(["discourse", "carol", "discourse", "post", "yesterday", "p4", ""])
    ingestion = Ingestion(
        runtime.community,
        after_recording(runtime),
        max_json_depth=runtime.settings.max_json_depth,
        create_unknown_members=True,
        batch_size=100,
    )
    totals, _ = import_interactions(ingestion, path, file_format="csv")
    assert (totals.accepted, totals.members_created, totals.rejected) == (2, 1, 2)
    assert [(r.line, r.field) for r in totals.rejections] == [(4, "kind"), (5, "occurred_at")]


def write_mixed(path: Path, member_id: str) -> Path:
    """37 lines: messages, a blank line, bad JSON and a bad kind, some repeated ids."""
    lines = []
    for n in range(37):
        record = {
            "member_id": member_id,
            "channel": "slack",
            "kind": "message",
            "occurred_at": WHEN,
            "external_id": f"mixed-{n % 30}",  # the last seven repeat earlier ones
        }
        if n == 5:
            lines.append("")
            continue
        if n == 11:
            lines.append("{not json")
            continue
        if n == 23:
            record["kind"] = "shouting"
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_crm_import_with_workers_records_everything_once(runtime: Runtime, tmp_path: Path) -> None:
    path = write_mixed(tmp_path / "mixed.ndjson", member(runtime))
    env = crm_env(runtime.database_url)
    command = [*crm_command(), "import", "interactions", str(path), "--workers", "2"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "accepted 28, duplicates 6, rejected 2" in done.stdout
    assert stored(runtime) == 28
    analyzed = rows(
        runtime.database_url,
        "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s)"
        " AND last_analyze IS NOT NULL ORDER BY relname",
        (list(IMPORTED_TABLES),),
    )
    assert [name for (name,) in analyzed] == sorted(IMPORTED_TABLES)
    csv_path = tmp_path / "mixed.csv"
    csv_path.write_text("channel,kind\n")
    refused = subprocess.run(
        [*crm_command(), "import", "interactions", str(csv_path), "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "only NDJSON files can be imported in parts" in refused.stdout + refused.stderr


def write_community(path: Path, members: int, count: int) -> Path:
    """`count` messages by `members` handles, round robin, the same handle in several forms."""
    with path.open("w") as out:
        for n in range(count):
            handle = f"user{n % members}"
            record = {
                "identity_channel": "discord",
                "identity_handle": handle if n % 3 else f"@{handle.upper()}",
                "channel": "discord",
                "kind": "message",
                "occurred_at": WHEN,
                "external_id": f"community-{n}",
            }
            out.write(json.dumps(record) + "\n")
    return path


def worker_processes(parent: int) -> list[psutil.Process]:
    """The import's worker processes (not multiprocessing's resource tracker)."""
    children = psutil.Process(parent).children()
    return [c for c in children if "spawn_main" in " ".join(c.cmdline())]


def test_a_worker_killed_mid_import_then_a_rerun_records_every_line_once(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = write_community(tmp_path / "community.ndjson", members=300, count=30_000)
    env = crm_env(runtime.database_url)
    command = [*crm_command(), "import", "interactions", str(path), "--create-members"]
    command += ["--workers", "2", "--batch", "500"]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as first:
        deadline = time.monotonic() + 120
        while stored(runtime) == 0 or len(worker_processes(first.pid)) < 2:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(worker_processes(first.pid)[1].pid, signal.SIGKILL)
        output = first.communicate(timeout=120)[0]
    assert first.returncode != 0 and "stopped" in output, output
    done_before = stored(runtime)
    assert 0 < done_before < 30_000
    checkpoint = Checkpoint.load(path)
    assert checkpoint is not None and checkpoint.lines_done <= done_before

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    accepted = int(re.findall(r"accepted (\d+)", rerun.stdout)[-1])
    assert done_before + accepted == 30_000
    assert stored(runtime) == 30_000
    counts = "SELECT count(*) FROM community_events WHERE topic = %s"
    assert scalar(runtime.database_url, counts, (Member.Joined.TOPIC,)) == 300
    assert scalar(runtime.database_url, "SELECT count(*) FROM identity_claims") == 300
    assert not list(tmp_path.glob("*.import-progress*"))
