"""The outreach log benchmark: the welcome queue's first page and a year of outreach
effectiveness at 1M members, each beside a baseline measured in the same run.

    python -m bench.outreach_log --quick       # 20,000 members
    python -m bench.outreach_log               # 1,000,000 members
    python -m bench.outreach_log --reuse       # measure again on the seeded database

Seeds a database of its own (crm_bench_outreach_perf, or crm_bench_outreach_quick) on
CRM_DATABASE_URL's server (bench/outreach_log_seed.py), then times in-process, on the
application's own pool and classes:

- `newcomersToWelcome` first page of 50 (WelcomeQueue.queue: the SQL, and opening what
  each newcomer said first), all channels and per channel; baseline: the first 50 rows of
  outreach_newcomers by primary key (a bare index read of the same table);
- `outreachEffectiveness` over the year before the seed's end, grouped by purpose
  (OutreachOutcomes.effectiveness: the tallies query, outcomes counted in SQL from the
  facts kept in each row, and the comparison group's query over the at-risk rollups);
  baseline: reading the same outreach rows with no facts;
- `timeToWelcome` over the year (per-week median and p90).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from api.bootstrap import personal_data
from application.migrations import apply_migrations
from application.outreach.effectiveness import OutreachOutcomes
from application.outreach.welcome import WelcomeQueue
from bench.harness import Bench, bench_database, open_runtime
from bench.machine import describe as machine
from bench.measures import percentiles, ratio
from bench.outreach_log_seed import END, seed
from bench.read_samples import timed
from projections.outreach.log_queries import OutreachLogQueries
from projections.outreach.welcome_queries import WelcomeQueries

DATABASE = "crm_bench_outreach_perf"
QUICK_DATABASE = "crm_bench_outreach_quick"
QUICK_MEMBERS = 20_000
TARGETS = {"newcomers_first_page_sql_p95_ms": 20.0, "effectiveness_year_ms": 200.0}
CHANNELS = (None, "discord", "slack", "github", "forum")
YEAR = timedelta(days=365)
BASELINE_PAGE = "SELECT member_id, showed_up_at FROM outreach_newcomers ORDER BY member_id LIMIT 51"
BASELINE_OUTREACH = (
    "SELECT outreach_id, member_id, staff_id, channel, purpose, at FROM outreach_log"
    " WHERE at >= %s AND at < %s"
)
console = Console(stderr=True)


def main(argv: list[str] | None = None) -> None:
    """Seed (unless reused), time the reads, write the results file."""
    args = _parser().parse_args(argv)
    members = QUICK_MEMBERS if args.quick else args.members
    name = args.database or (QUICK_DATABASE if args.quick else DATABASE)
    url = bench_database(name, reuse=args.reuse)
    workdir = Path(tempfile.mkdtemp(prefix="crm-bench-outreach-"))
    bench = Bench(url, workdir, members=members, interactions=0, quick=args.quick, scale=1.0)
    apply_migrations(url)
    results: dict[str, Any] = {
        "started_at": datetime.now().astimezone().isoformat(),
        "command": " ".join(["python -m bench.outreach_log", *(argv or sys.argv[1:])]),
        "machine": machine(bench),
        "targets": TARGETS,
    }
    output = Path(args.output or f"bench/results/outreach-log-{members}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        with bench.connect() as conn:
            results["seed"] = seed(conn, members)
        console.print_json(data=results["seed"])
    if args.seed_only:
        output.with_suffix(".seed.json").write_text(json.dumps(results, indent=2) + "\n")
        return
    results["reads"] = measure(bench, 30 if args.quick else args.samples, args.rounds)
    console.print_json(data=results["reads"])
    results["finished_at"] = datetime.now().astimezone().isoformat()
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    console.print(f"results written to {output}")


def measure(bench: Bench, samples: int, rounds: int) -> dict[str, Any]:
    """Every read and its baseline, on one runtime's pool."""
    runtime = open_runtime(bench)
    try:
        personal = personal_data(runtime)
        welcome = WelcomeQueue(WelcomeQueries(runtime.pool, personal), 14, clock=lambda: END)
        outcomes = OutreachOutcomes(
            OutreachLogQueries(runtime.pool, personal), 14, clock=lambda: END
        )
        found: dict[str, Any] = {}
        every: list[float] = []
        for channel in CHANNELS:

            def page(n: int, c: str | None = channel) -> int:
                return len(welcome.queue(c, 50, None, True).rows)

            timings = timed(f"newcomers {channel}", page, samples)
            every += timings
            found[f"newcomers_{channel or 'all'}"] = percentiles(timings)
        found["newcomers_first_page"] = percentiles(every)
        pool = runtime.pool

        def baseline(n: int) -> int:
            with pool.connection() as conn:
                return len(conn.execute(BASELINE_PAGE).fetchall())

        found["baseline_first_page"] = percentiles(timed("baseline page", baseline, samples))
        found["newcomers_ratio_p95"] = ratio(
            found["newcomers_first_page"]["p95_ms"], found["baseline_first_page"]["p95_ms"]
        )
        start = END - YEAR
        effectiveness = []
        facts, comparison = [], []
        for _ in range(rounds):
            began = time.perf_counter()
            figures = outcomes.effectiveness(start, END, "purpose")
            effectiveness.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            outcomes.source.tallies(start, END, "purpose", 14, END)
            facts.append((time.perf_counter() - began) * 1000)
            weeks = list(figures.recovery.weeks)
            began = time.perf_counter()
            outcomes.source.not_contacted(weeks, 14, END)
            comparison.append((time.perf_counter() - began) * 1000)
        found["effectiveness_year"] = percentiles(effectiveness)
        found["effectiveness_tallies_sql"] = percentiles(facts)
        found["effectiveness_comparison_sql"] = percentiles(comparison)
        found["effectiveness_outreach"] = figures.total.contacted
        found["effectiveness_total"] = {
            "contacted": figures.total.contacted,
            "reply_rate": figures.total.reply_rate,
            "recovery_contacted": figures.recovery.contacted.members,
            "recovery_contacted_rate": figures.recovery.contacted.return_rate,
            "recovery_not_contacted": figures.recovery.not_contacted.members,
            "recovery_not_contacted_rate": figures.recovery.not_contacted.return_rate,
            "weeks": len(figures.recovery.weeks),
        }

        def bare(n: int) -> int:
            with pool.connection() as conn:
                return len(conn.execute(BASELINE_OUTREACH, (start, END)).fetchall())

        found["baseline_outreach_rows"] = percentiles(timed("bare outreach", bare, rounds))
        found["effectiveness_ratio_p50"] = ratio(
            found["effectiveness_year"]["p50_ms"], found["baseline_outreach_rows"]["p50_ms"]
        )
        weeks_ms = []
        for _ in range(rounds):
            began = time.perf_counter()
            welcome.weeks((END - YEAR).date(), END.date())
            weeks_ms.append((time.perf_counter() - began) * 1000)
        found["time_to_welcome_year"] = percentiles(weeks_ms)
        return found
    finally:
        runtime.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="20,000 members")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300, help="per first-page variant")
    parser.add_argument("--rounds", type=int, default=20, help="effectiveness runs")
    parser.add_argument("--reuse", action="store_true", help="measure the seeded database")
    parser.add_argument("--seed-only", action="store_true", help="seed, measure nothing")
    parser.add_argument("--database", help="database name (default by size)")
    parser.add_argument("--output", help="results file")
    return parser


if __name__ == "__main__":
    main()
