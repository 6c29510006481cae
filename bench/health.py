"""The health benchmark: communityHealth, cohortRetention, activitySpikes and the dashboard at
1M members and 20M interactions, and the health projection's throughput and lag.

    python -m bench.health --quick                     # 1,000 members; CI runs it
    python -m bench.health                             # 1,000,000 members, 20,000,000 interactions
    python -m bench.health --reuse --database NAME     # measure a seeded database again
    python -m bench.health --reuse --replay            # the health tables again, then measure

Seeds a database of its own (crm_bench_health, crm_bench_health_quick for --quick) on
CRM_DATABASE_URL's server (bench/health_seed.py says how), then measures each read in-process
(the application services) and over HTTP (GraphQL documents, the signed-in dashboard page),
each beside a baseline from the same run, then the live projection (bench/health_lag.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from application.migrations import apply_migrations, available_migrations
from bench import health_lag, health_reads
from bench.harness import Bench, bench_database, open_runtime
from bench.health_seed import finish, seed
from bench.machine import describe as machine

DATABASE = "crm_bench_health"
QUICK_DATABASE = "crm_bench_health_quick"
QUICK = (1_000, 20_000)
QUICK_SAMPLES = 5
SPIKE_MIGRATION = 30  # unreleased: refreshed on a reused database
SECTIONS: dict[str, Callable[[Bench, int], dict[str, Any]]] = {
    "reads_in_process": health_reads.in_process,
    "reads_http": health_reads.over_http,
    "projection": lambda bench, _: health_lag.run(bench),
}
console = Console(stderr=True)


def main(argv: list[str] | None = None) -> None:
    """Seed (unless reused), measure every section, write the results file."""
    args = _parser().parse_args(argv)
    members, interactions = QUICK if args.quick else (args.members, args.interactions)
    name = args.database or (QUICK_DATABASE if args.quick else DATABASE)
    url = bench_database(name, reuse=args.reuse)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="crm-bench-health-"))
    workdir.mkdir(parents=True, exist_ok=True)
    bench = Bench(url, workdir, members, interactions, quick=args.quick, scale=1.0)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "database": name,
        "quick": args.quick,
        "command": " ".join(["python -m bench.health", *(argv or sys.argv[1:])]),
    }
    output = Path(args.output or f"bench/results/health-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    if args.reuse:
        with bench.connect() as conn:
            _refresh_unreleased(conn)
    apply_migrations(url)
    results["machine"] = machine(bench)
    if args.reuse and args.replay:
        console.print("[bold]replay[/bold] the health tables from the seeded rows …")
        results["replay"] = _replay(bench)
        _save(output, results)
    if not args.reuse:
        console.print(f"[bold]seed[/bold] {members:,} members, {interactions:,} interactions …")
        results["seed"] = _seed(bench, members, interactions)
        console.print_json(data=results["seed"], default=str)
        _save(output, results)
    samples = QUICK_SAMPLES if args.quick else args.samples
    for section, measure in SECTIONS.items():
        if args.only and section not in args.only:
            continue
        console.print(f"[bold]{section}[/bold] …")
        try:
            results[section] = measure(bench, samples)
        except Exception as error:  # keep what the other sections measured
            console.print_exception()
            results[section] = {"error": f"{type(error).__name__}: {error}"}
        results[section]["measured_at"] = datetime.now(UTC).isoformat()
        console.print_json(data=results[section], default=str)
        _save(output, results)
    console.print(f"results written to {output}")
    failed = [s for s in SECTIONS if "error" in results.get(s, {})]
    if failed:
        sys.exit(f"sections failed: {', '.join(failed)}")


def _seed(bench: Bench, members: int, interactions: int) -> dict[str, Any]:
    runtime = open_runtime(bench)
    try:
        with bench.connect() as conn:
            return seed(conn, runtime.community.keyring, members, interactions)
    finally:
        runtime.close()


def _refresh_unreleased(conn: Any) -> None:
    """Migration 0030 (the spike rollups) is unreleased and still edited; its statements
    are idempotent (it empties the health tables on its first run only), so on a reused
    database it runs again and its fingerprint is recorded anew (the check would refuse it
    otherwise)."""
    applied = conn.execute(
        "SELECT to_regclass('schema_migrations') IS NOT NULL"
        " AND EXISTS (SELECT FROM schema_migrations WHERE version = %s)",
        (SPIKE_MIGRATION,),
    ).fetchone()
    if not applied or not applied[0]:
        return
    migration = next(m for m in available_migrations() if m.version == SPIKE_MIGRATION)
    conn.execute(migration.sql)
    conn.execute(
        "UPDATE schema_migrations SET checksum = %s WHERE version = %s",
        (migration.checksum, migration.version),
    )


def _replay(bench: Bench) -> dict[str, Any]:
    """The health tables filled again from the kept seed (after the replay changed)."""
    runtime = open_runtime(bench)
    try:
        with bench.connect() as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            conn.execute("SET work_mem = '256MB'")
            return finish(conn, runtime.community.keyring, bench.members, {})
    finally:
        runtime.close()


def _save(output: Path, results: dict[str, Any]) -> None:
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK[0]:,} members, for CI.")
    parser.add_argument("--members", type=int, default=1_000_000, help="Members to seed.")
    parser.add_argument(
        "--interactions", type=int, default=20_000_000, help="Interactions to seed."
    )
    parser.add_argument("--samples", type=int, default=60, help="Samples per timed read.")
    parser.add_argument("--reuse", action="store_true", help="Measure the seeded database again.")
    parser.add_argument(
        "--replay",
        action="store_true",
        help="With --reuse: fill the health tables again from the seeded interactions.",
    )
    parser.add_argument("--database", help=f"Database name (default {DATABASE}).")
    parser.add_argument(
        "--only", action="append", choices=list(SECTIONS), help="Measure only this section."
    )
    parser.add_argument("--workdir", help="Where logs go (default: a temp dir).")
    parser.add_argument("--output", help="Results file (default bench/results/health-<t>.json).")
    return parser


if __name__ == "__main__":
    main()
