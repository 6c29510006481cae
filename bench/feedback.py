"""The feedback benchmark: the product team's reads and exports at 1M items, each beside a baseline.

    python -m bench.feedback --quick                 # 20,000 items; CI runs it
    python -m bench.feedback                         # 1,000,000 items, 5,000,000 supports
    python -m bench.feedback --reuse                 # measure again on the seeded database

Seeds a database of its own (crm_bench_feedback, or crm_bench_feedback_quick) on
CRM_DATABASE_URL's server (bench/feedback_seed.py says how), then measures:
`feedbackItems` first pages (SQL in-process and GraphQL over HTTP), `responseTimes` over a
year, `feedbackChanges` pages of 1,000, and the CSV and NDJSON exports of `crm export
feedback` (rows/s and the process's peak RSS). Every figure sits beside a baseline from
the same run: the bare SQL under it, or PostgreSQL's own COPY … CSV.
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

from application.migrations import apply_migrations
from bench.feedback_reads import TARGETS, exports, feed_pages, first_pages, http_pages
from bench.feedback_response_times import reports
from bench.feedback_seed import refresh_reused, seed
from bench.harness import Bench, bench_database, open_runtime
from bench.machine import describe as machine

DATABASE = "crm_bench_feedback"
QUICK_DATABASE = "crm_bench_feedback_quick"
QUICK_ITEMS = 20_000
SECTION_NAMES = [
    "feedback_items_sql",
    "feedback_items_http",
    "response_times",
    "feedback_changes",
    "exports",
]
console = Console(stderr=True)


def main(argv: list[str] | None = None) -> None:
    """Seed (unless reused), measure every section, write the results file."""
    args = _parser().parse_args(argv)
    items = QUICK_ITEMS if args.quick else args.items
    name = args.database or (QUICK_DATABASE if args.quick else DATABASE)
    url = bench_database(name, reuse=args.reuse)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="crm-bench-feedback-"))
    workdir.mkdir(parents=True, exist_ok=True)
    bench = Bench(url, workdir, members=0, interactions=0, quick=args.quick, scale=1.0)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "items": items,
        "quick": args.quick,
        "targets": TARGETS,
        "command": " ".join(["python -m bench.feedback", *(argv or sys.argv[1:])]),
    }
    output = Path(args.output or f"bench/results/feedback-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    if args.reuse:
        with bench.connect() as conn:
            results["refresh"] = refresh_reused(conn)
    apply_migrations(url)
    results["machine"] = machine(bench)
    if not args.reuse:
        results["seed"] = _seed(bench, items)
        _save(output, results)
    samples = 30 if args.quick else args.samples
    sections: dict[str, Callable[[], dict[str, Any]]] = {
        "feedback_items_sql": lambda: first_pages(bench, samples),
        "feedback_items_http": lambda: http_pages(bench, samples),
        "response_times": lambda: reports(bench, samples),
        "feedback_changes": lambda: feed_pages(bench, samples),
        "exports": lambda: exports(bench),
    }
    for name_, section in sections.items():
        if args.only and name_ not in args.only:
            continue
        console.print(f"[bold]{name_}[/bold] …")
        try:
            results[name_] = section()
        except Exception as error:  # keep what the other sections measured
            console.print_exception()
            results[name_] = {"error": f"{type(error).__name__}: {error}"}
        console.print_json(data=results[name_], default=str)
        _save(output, results)
    console.print(f"results written to {output}")


def _seed(bench: Bench, items: int) -> dict[str, Any]:
    runtime = open_runtime(bench)
    try:
        with bench.connect() as conn:
            return seed(conn, runtime.community.keyring, items)
    finally:
        runtime.close()


def _save(output: Path, results: dict[str, Any]) -> None:
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ITEMS:,} items, for CI.")
    parser.add_argument("--items", type=int, default=1_000_000, help="Feedback items to seed.")
    parser.add_argument("--samples", type=int, default=300, help="Samples per timed read.")
    parser.add_argument("--reuse", action="store_true", help="Measure the seeded database again.")
    parser.add_argument("--database", help=f"Database name (default {DATABASE}).")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTION_NAMES,
        help="With --reuse: measure only this section (repeatable).",
    )
    parser.add_argument("--workdir", help="Where exports and logs go (default: a temp dir).")
    parser.add_argument("--output", help="Results file (default bench/results/feedback-<t>.json).")
    return parser


if __name__ == "__main__":
    main()
