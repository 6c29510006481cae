"""`crm import interactions`: NDJSON and CSV files, resumable without double counting."""

from __future__ import annotations

import csv
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from application.interactions.importer import (
    Checkpoint,
    Part,
    import_interactions,
    merge_totals,
    split_ndjson,
)
from application.interactions.ingestion import Ingestion, IngestTotals
from application.runtime import Runtime
from application.statistics import IMPORTED_TABLES
from domain.interactions.interaction import Interaction
from domain.members import commands as cmd
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


@pytest.mark.parametrize("count", [1, 2, 3, 5, 40])
def test_parts_cover_every_line_once_with_their_numbers(tmp_path: Path, count: int) -> None:
    path = write_mixed(tmp_path / "mixed.ndjson", "00000000-0000-0000-0000-000000000001")
    parts = split_ndjson(path, count)
    lines = path.read_bytes().splitlines(keepends=True)
    assert parts[0].start == 0 and parts[-1].end == path.stat().st_size
    seen = []
    for part, following in zip(parts, [*parts[1:], None], strict=True):
        assert following is None or part.end == following.start
        with path.open("rb") as source:
            source.seek(part.start)
            chunk = source.read(part.end - part.start).splitlines(keepends=True)
        seen += chunk
        first = sum(len(line) for line in lines[: part.first_line - 1])
        assert first == part.start  # the part's first line number matches its offset
    assert seen == lines


def import_parts(
    runtime: Runtime, path: Path, parts: list[Part], batch_size: int
) -> list[tuple[IngestTotals, int]]:
    """Each part imported in turn, as the processes of `crm import --workers` would."""
    return [
        import_interactions(
            Ingestion(
                runtime.community,
                after_recording(runtime),
                max_json_depth=runtime.settings.max_json_depth,
                create_unknown_members=False,
                batch_size=batch_size,
            ),
            path,
            file_format="ndjson",
            part=part,
        )
        for part in parts
    ]


def test_a_file_imported_in_parts_gives_the_same_totals_and_lines(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = write_mixed(tmp_path / "mixed.ndjson", member(runtime))
    results = import_parts(runtime, path, split_ndjson(path, 3), batch_size=4)
    merged = merge_totals([totals for totals, _ in results])
    assert (merged.accepted, merged.duplicates, merged.rejected) == (28, 6, 2)
    assert [(r.line, r.field) for r in merged.rejections] == [(12, ""), (24, "kind")]
    assert stored(runtime) == 28
    assert not list(tmp_path.glob("*.import-progress*"))


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


def test_a_part_killed_mid_import_resumes_from_its_own_checkpoint(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = write_ndjson(tmp_path / "messages.ndjson", member(runtime), 100)
    first, second = split_ndjson(path, 2)
    crashing = CrashAfter(runtime, batch_size=10, batches=2)
    with pytest.raises(KeyboardInterrupt):
        import_interactions(crashing, path, file_format="ndjson", part=second)
    checkpoint = Checkpoint.load(path, second.name)
    assert checkpoint is not None
    assert checkpoint.lines_done == second.first_line - 1 + 20
    assert Checkpoint.load(path) is None  # the whole file's checkpoint is another one
    results = import_parts(runtime, path, [first, second], batch_size=10)
    assert [skipped for _, skipped in results] == [0, 20]
    merged = merge_totals([totals for totals, _ in results])
    assert (merged.accepted, merged.duplicates, merged.rejected) == (80, 0, 0)
    assert stored(runtime) == 100
    assert not list(tmp_path.glob("*.import-progress*"))
