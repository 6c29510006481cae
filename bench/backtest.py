"""Backtest the at-risk rules on a community of known behaviours, loaded the real way.

    python -m bench.backtest --quick                          # 1,000 members, under a minute
    python -m bench.backtest --members 100000 --seed 7        # the issue 12 figure
    python -m bench.backtest --members 20000 --in-memory      # also the in-memory cross-check
    python -m bench.backtest --members 100000 --reuse         # backtest again, same database

The community is application/behaviours.py's (three years to 2026-11-01). It is written as
NDJSON, imported with `crm import interactions --create-members` into a fresh database
(crm_bench_backtest, crm_bench_backtest_quick for --quick) on --database-url's server
(default CRM_DATABASE_URL's, else an embedded server), projections are caught up, then
`crm backtest` replays two years weekly with a 26-week horizon. Each step is timed; the
results go to a JSON file and a table.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from application.behaviours import Community, ingestion_records
from application.embedded import database_url, start_embedded_server
from bench import backtest_memory
from bench.generate import write_ndjson
from bench.harness import Bench, catch_up_projections, crm, recreate_database

DATABASE = "crm_bench_backtest"
QUICK_DATABASE = "crm_bench_backtest_quick"
QUICK_MEMBERS = 1_000
HORIZON = timedelta(weeks=26)
EVERY = timedelta(weeks=1)
SPAN = timedelta(weeks=104)  # two years of weekly dates

console = Console(stderr=True)


def main(argv: list[str] | None = None) -> None:
    """Generate, ingest, catch up, backtest; write the results and print them."""
    args = _parser().parse_args(argv)
    community = Community(members=QUICK_MEMBERS if args.quick else args.members, seed=args.seed)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="crm-backtest-"))
    workdir.mkdir(parents=True, exist_ok=True)
    server_url = args.database_url or os.environ.get("CRM_DATABASE_URL")
    embedded = None
    if not server_url:
        embedded = start_embedded_server(workdir / "embedded")
        server_url = embedded.url
    try:
        name = args.database or (QUICK_DATABASE if args.quick else DATABASE)
        url = database_url(server_url, name) if args.reuse else recreate_database(server_url, name)
        bench = Bench(url, workdir, community.members, 0, quick=args.quick, scale=1.0)
        results = run(bench, community, in_memory=args.in_memory or args.quick, load=not args.reuse)
    finally:
        if embedded:
            embedded.stop()
    default = f"bench/results/backtest-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    output = Path(args.output or default)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print_results(results)
    console.print(f"results written to {output}")


def run(bench: Bench, community: Community, *, in_memory: bool, load: bool) -> dict[str, Any]:
    """Every step in order, each timed; a failed step is recorded and the others still run."""
    until = community.end - HORIZON
    since = until - SPAN
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "members": community.members,
        "seed": community.seed,
        "community_end": community.end.isoformat(),
        "dates": {"from": since.isoformat(), "to": until.isoformat(), "every_days": EVERY.days},
        "horizon_weeks": HORIZON.days // 7,
    }
    source = bench.workdir / f"behaviours-{community.members}-{community.seed}.ndjson"
    steps: dict[str, Callable[[], dict[str, Any]]] = {}
    if load:
        steps["generate"] = lambda: _generate(community, source)
        steps["ingest"] = lambda: _ingest(bench, source)
    steps["catch_up"] = lambda: _catch_up(bench)
    steps["backtest"] = lambda: _backtest(bench, since, until)
    if in_memory:
        steps["in_memory"] = lambda: _in_memory(community, since, until)
    for name, step in steps.items():
        console.print(f"[bold]{name}[/bold] …")
        started = time.perf_counter()
        try:
            results[name] = step()
        except Exception as error:  # keep what the other steps measured
            console.print(f"[red]{name} failed:[/red] {type(error).__name__}: {error}")
            results[name] = {"error": f"{type(error).__name__}: {error}"}
        results[name]["seconds"] = round(time.perf_counter() - started, 2)
    return results


def _generate(community: Community, target: Path) -> dict[str, Any]:
    """The community as NDJSON, member by member (reused if already written)."""
    if not target.exists():
        partial = target.with_suffix(".partial")
        with partial.open("w") as out:
            write_ndjson(ingestion_records(community), out)
        partial.replace(target)
    with target.open("rb") as lines:
        return {"records": sum(1 for _ in lines), "file": str(target)}


def _ingest(bench: Bench, source: Path) -> dict[str, Any]:
    """`crm migrate`, then `crm import` as bench/ingest.py runs it: the real ingest path."""
    crm(bench, "migrate")
    workers = str(os.cpu_count() or 1)
    finished = crm(
        bench, "import", "interactions", str(source), "--create-members", "--batch", "5000",
        "--workers", workers,
    )  # fmt: skip
    return {
        "import_seconds": round(finished.seconds, 2),
        "workers": int(workers),
        "peak_rss_mb": round(finished.peak_rss_mb, 1),
        "summary": finished.output.strip().splitlines()[-1:],
    }


def _catch_up(bench: Bench) -> dict[str, Any]:
    """Every projection brought to the head of the log, as the backtest reads them."""
    catch_up_projections(bench)
    return {}


def _backtest(bench: Bench, since: datetime, until: datetime) -> dict[str, Any]:
    """`crm backtest`, timed, over the two years weekly: the figure the issue asks for."""
    finished = crm(
        bench, "backtest", "--from", since.date().isoformat(), "--to", until.date().isoformat(),
        "--every-days", str(EVERY.days), "--horizon-weeks", str(HORIZON.days // 7), "--json",
    )  # fmt: skip
    report = json.loads(finished.output)
    scores = [report["rule"], *report["references"]]
    return {
        "backtest_seconds": round(finished.seconds, 2),
        "peak_rss_mb": round(finished.peak_rss_mb, 1),
        "judged": report["judged"],
        "rules": {score.pop("name"): score for score in scores},
    }


def _in_memory(community: Community, since: datetime, until: datetime) -> dict[str, Any]:
    """The same backtest from the generator's own histories: the cross-check."""
    figures = backtest_memory.backtest(community, since, until, every=EVERY, horizon=HORIZON)
    return {"rules": figures}


def print_results(results: dict[str, Any]) -> None:
    """The timings, then each backtest's figures per rule."""
    timings = Table(title=f"{results['members']:,} members, seed {results['seed']}")
    for column in ("step", "seconds", "notes"):
        timings.add_column(column)
    for step in ("generate", "ingest", "catch_up", "backtest", "in_memory"):
        if step in results:
            notes = results[step].get("error") or results[step].get("records") or ""
            timings.add_row(step, f"{results[step]['seconds']:,}", str(notes))
    console.print(timings)
    for step in ("backtest", "in_memory"):
        rules = results.get(step, {}).get("rules")
        if isinstance(rules, dict) and rules:
            console.print(_rules_table(step, rules))


def _rules_table(title: str, rules: dict[str, dict[str, Any]]) -> Table:
    metrics = [k for k, v in next(iter(rules.values())).items() if not isinstance(v, dict)]
    table = Table(title=title)
    table.add_column("rule")
    for metric in metrics:
        table.add_column(metric.replace("_", " "), justify="right")
    for rule, figures in rules.items():
        table.add_row(rule, *(str(figures.get(metric, "")) for metric in metrics))
    return table


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_MEMBERS:,} members.")
    parser.add_argument("--database-url", help="Server to use (default: CRM_DATABASE_URL's).")
    parser.add_argument(
        "--database", help=f"Database to drop and create (default {DATABASE}, {QUICK_DATABASE})."
    )
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="Also score the rules in memory from the generator (always with --quick).",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep the database a previous run loaded (same members and seed): backtest only.",
    )
    parser.add_argument("--workdir", help="Where the NDJSON file and logs go (default: temp).")
    parser.add_argument("--output", help="Results file (default: bench/results/backtest-*.json).")
    return parser


if __name__ == "__main__":
    main()
