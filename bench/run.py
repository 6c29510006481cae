"""Run every benchmark on a fresh database and write the results, each beside its baseline.

    python -m bench.run --quick              # well under a minute; CI runs it
    python -m bench.run                      # 1M members, 20M interactions
    python -m bench.run --scale 0.1          # everything a tenth of that
    python -m bench.run --resume FILE        # go on with a run that stopped or failed
    python -m bench.run --resume FILE --again reads   # measure a section again
    python -m bench.run --scale 0.05 --only ingest    # some sections only, on a fresh database

The database is CRM_DATABASE_URL's server (a database named crm_bench, crm_bench_quick for
--quick, is dropped and created there) or, when it is unset, an embedded server in the
work directory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from application.embedded import database_url, start_embedded_server
from application.synthetic import Shape, ingestion_records
from bench import commands, ingest, lag, reads, rebuild
from bench.cpu_account import CpuAccount, difference
from bench.generate import write_ndjson
from bench.harness import BENCH_DATABASE, Bench, crm, open_runtime, recreate_database
from bench.machine import describe
from domain.members import commands as cmd
from domain.members.member import Member

# CI's quick run must never drop the database of a full run going on beside it.
QUICK_DATABASE = "crm_bench_quick"
QUICK_MEMBERS = 2_000
QUICK_INTERACTIONS = 20_000
# Shares of members marked as staff and as bots after the import (the input has neither).
STAFF_SHARE = 0.001
BOT_SHARE = 0.001

console = Console(stderr=True)


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run the suite, write the results file."""
    args = _parser().parse_args(argv)
    previous = json.loads(Path(args.resume).read_text()) if args.resume else None
    shape = Shape()
    if previous:
        members, records = previous["members"], previous["interactions"]
    else:
        members = QUICK_MEMBERS if args.quick else round(shape.members * args.scale)
        records = QUICK_INTERACTIONS if args.quick else round(shape.interactions * args.scale)
    workdir = Path(
        args.workdir or (previous or {}).get("workdir") or tempfile.mkdtemp(prefix="crm-bench-")
    )
    workdir.mkdir(parents=True, exist_ok=True)
    embedded = None
    server_url = os.environ.get("CRM_DATABASE_URL")
    if not server_url:
        embedded = start_embedded_server(workdir / "embedded")
        server_url = embedded.url
    try:
        if previous:
            name = previous["database_name"]
            url = database_url(server_url, name)
        else:
            name = args.database or (QUICK_DATABASE if args.quick else BENCH_DATABASE)
            url = recreate_database(server_url, name)
        bench = Bench(
            database_url=url,
            workdir=workdir,
            members=members,
            interactions=records,
            quick=previous["quick"] if previous else args.quick,
            scale=args.scale,
        )
        default = f"bench/results/{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
        output = Path(args.output or args.resume or default)
        output.parent.mkdir(parents=True, exist_ok=True)

        def save(results: dict[str, Any]) -> None:
            """Written after every section: a run that dies can be resumed from it."""
            results["database_name"] = name
            output.write_text(json.dumps(results, indent=2, default=str) + "\n")

        source = Path(args.input) if args.input else None
        results = run_all(
            bench, source, previous, save, again=set(args.again or ()), only=set(args.only or ())
        )
    finally:
        if embedded:
            embedded.stop()
    console.print(f"results written to {output}")
    if results.get("failed"):
        sys.exit(f"sections failed: {', '.join(results['failed'])}")


def run_all(
    bench: Bench,
    source: Path | None,
    previous: dict[str, Any] | None = None,
    save: Callable[[dict[str, Any]], None] = lambda results: None,
    again: set[str] | None = None,
    only: set[str] | None = None,
) -> dict[str, Any]:
    """Every section in order (or those in `only`); later sections read what earlier ones
    wrote.

    Going on with `previous` results skips the sections they measured without error,
    except those named in `again`, whose earlier results are kept under "superseded".
    """
    started = time.perf_counter()
    results: dict[str, Any] = previous or {
        "started_at": datetime.now(UTC).isoformat(),
        "quick": bench.quick,
        "members": bench.members,
        "interactions": bench.interactions,
    }
    results["workdir"] = str(bench.workdir)
    crm(bench, "migrate")
    results.setdefault("machine", describe(bench))
    failed = results.pop("failed", [])
    account = CpuAccount().start()
    for name, section in SECTIONS.items():
        if only and name not in only:
            continue
        if name in (again or ()) and name in results:
            results.setdefault("superseded", {}).setdefault(name, []).append(results.pop(name))
        if name in results and name not in failed:
            console.print(f"[bold]{name}[/bold]: measured before, kept")
            continue
        console.print(f"[bold]{name}[/bold] …")
        section_started, cpu_before = time.perf_counter(), account.totals()
        try:
            results[name] = section(bench, source)
            results[name]["measured_at"] = datetime.now(UTC).isoformat()
        except Exception as error:  # keep what the other sections measured
            console.print_exception()
            results[name] = {"error": f"{type(error).__name__}: {error}"}
            results.setdefault("failed", []).append(name)
        results[name]["section_seconds"] = round(time.perf_counter() - section_started, 1)
        # Ours, PostgreSQL's and the clients' CPU: what each unit of work cost the machine.
        results[name]["cpu_seconds"] = difference(account.totals(), cpu_before)
        console.print_json(data=results[name], default=str)
        save(results)
    account.stop()
    results["total_seconds"] = round(
        results.get("total_seconds", 0.0) + time.perf_counter() - started, 1
    )
    save(results)
    return results


def _generated(bench: Bench) -> Path:
    """The synthetic community as a file in the work directory (reused if already there)."""
    target = bench.workdir / f"community-{bench.members}-{bench.interactions}.ndjson"
    if not target.exists():
        partial = target.with_suffix(".partial")
        with partial.open("w") as out:
            write_ndjson(ingestion_records(Shape(bench.members, bench.interactions)), out)
        partial.replace(target)
    return target


def _mark_staff_and_bots(bench: Bench) -> dict[str, Any]:
    """Mark a few members as staff and as bots, as a community manager would after import."""
    runtime = open_runtime(bench)
    try:
        with bench.connect() as conn:
            ids = [
                row[0]
                for row in conn.execute(
                    "SELECT originator_id FROM community_events WHERE topic = %s"
                    " ORDER BY notification_id",
                    (Member.Joined.TOPIC,),
                )
            ]
        staff = ids[:: max(1, round(1 / STAFF_SHARE))]
        bots = ids[max(1, round(1 / BOT_SHARE)) // 2 :: max(1, round(1 / BOT_SHARE))]
        started = time.perf_counter()
        for member_id in staff:
            runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=member_id))
        for member_id in bots:
            runtime.community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=member_id))
        seconds = time.perf_counter() - started
    finally:
        runtime.close()
    commands_done = len(staff) + len(bots)
    return {
        "staff": len(staff),
        "bots": len(bots),
        "commands_per_s": round(commands_done / seconds) if seconds else None,
    }


def _evaluate(bench: Bench) -> dict[str, Any]:
    """Judge every member's stage, so that at-risk and inactive members exist to read."""
    # The synthetic community ends on Shape.end: judge it as of then, not weeks later.
    finished = crm(bench, "evaluate", "--as-of", f"{Shape.end:%Y-%m-%d}")
    with bench.connect() as conn:
        stages = dict(
            conn.execute("SELECT stage, count(*) FROM member_stages GROUP BY stage").fetchall()
        )
    return {
        "seconds": round(finished.seconds, 2),
        "peak_rss_mb": round(finished.peak_rss_mb, 1),
        "stages": stages,
    }


Section = Callable[[Bench, Path | None], dict[str, Any]]

# Every section, in the order it runs: later sections read what earlier ones wrote.
SECTIONS: dict[str, Section] = {
    "ingest": lambda bench, source: ingest.run(bench, source or _generated(bench)),
    "staff_and_bots": lambda bench, _: _mark_staff_and_bots(bench),
    "rebuild": lambda bench, _: rebuild.run(bench),
    "evaluate": lambda bench, _: _evaluate(bench),
    "reads": lambda bench, _: reads.run(bench),
    "commands": lambda bench, _: commands.run(bench),
    "lag": lambda bench, _: lag.run(bench),
    # The same, with `engagement` in a worker process of its own beside the rest.
    "lag_split": lambda bench, _: lag.run(bench, split=True),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A small run for CI.")
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply every count.")
    parser.add_argument("--input", help="A file made by bench.generate (default: generate).")
    parser.add_argument("--workdir", help="Where files and logs go (default: a temp dir).")
    parser.add_argument("--output", help="Results file (default: bench/results/<time>.json).")
    parser.add_argument(
        "--database",
        help=f"Database to drop and create (default {BENCH_DATABASE}, {QUICK_DATABASE} if quick).",
    )
    parser.add_argument(
        "--resume",
        help="Go on with this results file's run: its database is kept, the sections it"
        " measured without error are skipped, and the file is updated.",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=list(SECTIONS),
        help="Run only this section (repeatable); later ones may need the earlier ones.",
    )
    parser.add_argument(
        "--again",
        action="append",
        choices=list(SECTIONS),
        help="With --resume: measure this section again (repeatable).",
    )
    return parser


if __name__ == "__main__":
    main()
