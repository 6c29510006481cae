"""Bulk ingest, file to event store: `crm import` beside the library's save() and raw COPY."""

from __future__ import annotations

import itertools
import json
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.application import Application

from bench.harness import Bench, crm, library_env
from bench.measures import ratio
from domain.interactions.interaction import Interaction

# The write-path issue's target on two cores (the first one was 100,000/s and 5× the library).
TARGET_PER_SECOND = 50_000
BASELINE_BATCH = 1_000


class LibraryBaseline(Application[Any]):
    """The eventsourcing library as it comes: its own table, mapper and recorder."""

    name = "LibraryBaseline"


def run(bench: Bench, source: Path) -> dict[str, Any]:
    """Import the whole file through the project's path, then the baselines on a sample."""
    lines = _count_lines(source)
    workers = str(os.cpu_count() or 1)
    finished = crm(
        bench,
        "import",
        "interactions",
        str(source),
        "--create-members",
        "--batch",
        "5000",
        "--workers",
        workers,
    )
    with bench.connect() as conn:
        events, state_bytes = conn.execute(
            "SELECT count(*), coalesce(avg(length(state)), 0) FROM community_events"
        ).fetchone()  # type: ignore[misc]
    ours = lines / finished.seconds
    sample = min(lines, 20_000 if bench.quick else 200_000)
    library = _library_save(bench, source, sample)
    ceiling = _binary_copy(bench, sample, int(state_bytes))
    return {
        "records": lines,
        "events_in_log": events,
        "seconds": round(finished.seconds, 2),
        "records_per_s": round(ours),
        "workers": int(workers),
        "import_peak_rss_mb": round(finished.peak_rss_mb, 1),
        # Less sensitive to other load on the machine than the rate: CPU the import's
        # processes used per record (the database server's share not included).
        "import_cpu_seconds": round(finished.cpu_seconds, 1),
        "import_cpu_us_per_record": round(finished.cpu_seconds / lines * 1e6, 1),
        "summary": finished.output.strip().splitlines()[-1:],
        "baseline_sample": sample,
        "library_batched_save_per_s": round(library),
        "binary_copy_per_s": round(ceiling),
        "ratio_vs_library_save": ratio(ours, library),
        "share_of_binary_copy": ratio(ours, ceiling),
        "target_per_s": TARGET_PER_SECOND,
        "target_met": ours >= TARGET_PER_SECOND,
    }


def _library_save(bench: Bench, source: Path, sample: int) -> float:
    """The same records, parsed and saved as aggregates with save() 1,000 at a time."""
    app = LibraryBaseline(env=library_env(bench.database_url))
    try:
        started = time.perf_counter()
        seen: set[tuple[str, str]] = set()
        with source.open("rb") as lines:
            for chunk in _chunks(itertools.islice(lines, sample), BASELINE_BATCH):
                records = [json.loads(line) for line in chunk]
                # save() refuses a repeat outright: skip the input's repeats for it.
                fresh = [r for r in records if _first_time(r, seen)]
                app.save(*(_aggregate(record) for record in fresh))
        return sample / (time.perf_counter() - started)
    finally:
        app.close()


def _first_time(record: dict[str, Any], seen: set[tuple[str, str]]) -> bool:
    key = (record["channel"], record["external_id"])
    if key in seen:
        return False
    seen.add(key)
    return True


def _aggregate(record: dict[str, Any]) -> Interaction:
    # No validation, no member lookup, no sealing: the library's own cost only.
    member = uuid5(NAMESPACE_URL, f"{record['identity_channel']}:{record['identity_handle']}")
    occurred_at = datetime.fromisoformat(record["occurred_at"])
    return Interaction.record(
        member_id=member,
        channel=record["channel"],
        kind=record["kind"],
        occurred_at=occurred_at,
        external_id=record["external_id"],
        thread_ref=record.get("thread_ref"),
        url=record.get("url"),
        summary=record.get("summary"),
        now=occurred_at,
    )


def _binary_copy(bench: Bench, rows: int, state_bytes: int) -> float:
    """Binary COPY of rows shaped like stored events into a plain table: the ceiling."""
    payload = [
        (uuid5(NAMESPACE_URL, str(n)), 1, Interaction.Recorded.TOPIC, os.urandom(state_bytes))
        for n in range(rows)
    ]
    with bench.connect() as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy_ceiling")
        conn.execute(
            "CREATE TABLE bench_copy_ceiling"
            " (originator_id uuid, originator_version bigint, topic text, state bytea)"
        )
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cursor:
            with cursor.copy("COPY bench_copy_ceiling FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["uuid", "int8", "text", "bytea"])
                for row in payload:
                    copy.write_row(row)
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_copy_ceiling")
    return rows / seconds


def _chunks(items: Any, size: int) -> Any:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _count_lines(path: Path) -> int:
    with path.open("rb") as source:
        return sum(1 for line in source if line.strip())
