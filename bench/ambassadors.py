"""The candidacy benchmark: the manager's candidate list at 1M members, beside a baseline.

    python -m bench.ambassadors --quick              # 20,000 members; CI runs it
    python -m bench.ambassadors                      # 1,000,000 members
    python -m bench.ambassadors --reuse              # measure again on the seeded database

Seeds a database of its own (crm_bench_candidacy, or crm_bench_candidacy_quick) on
CRM_DATABASE_URL's server with members and their interactions (bench/ambassadors_seed.py),
times one real candidacy run of the configured rule over all of them (the daily job), then
measures `ambassadorCandidates` first pages over HTTP with a manager's key (no filter, by
channel, by minimum score) beside the `members` first page over the same connection.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from api.bootstrap import use_cases
from application.migrations import apply_migrations
from bench.ambassadors_seed import END, seed
from bench.feedback_reads import _post  # one GraphQL POST, failing loudly
from bench.harness import Bench, api_key, bench_database, open_runtime, server
from bench.machine import describe as machine
from bench.measures import percentiles, ratio
from bench.read_samples import timed

DATABASE = "crm_bench_candidacy"
QUICK_DATABASE = "crm_bench_candidacy_quick"
QUICK_MEMBERS = 20_000
TARGET_P95_MS = 50.0
CANDIDATES_DOCUMENT = """
query Candidates($filter: AmbassadorCandidateFilter) {
  ambassadorCandidates(first: 50, filter: $filter) {
    evaluatedAt membersExamined
    pageInfo { hasNextPage endCursor }
    edges { node {
      member { id displayName channels }
      score candidateSince marketingConsent
      why { factor value threshold contribution }
    } }
  }
}
"""
VARIANTS: list[tuple[str, Any]] = [
    ("all", lambda n: None),
    ("channel", lambda n: {"channel": ("DISCORD", "GITHUB", "MEETUP")[n % 3]}),
    ("min_score", lambda n: {"minScore": 12.0}),
]
# The same list without `why`: what the list costs apart from resolving its factors.
WITHOUT_WHY_DOCUMENT = """
query Candidates {
  ambassadorCandidates(first: 50) {
    edges { node { member { id displayName channels } score candidateSince marketingConsent } }
  }
}
"""
MEMBERS_DOCUMENT = """
query Members { members(first: 50) { edges { node { id displayName channels joinedAt } } } }
"""
console = Console(stderr=True)


def main(argv: list[str] | None = None) -> None:
    """Seed (unless reused), run the job once, time the reads, write the results file."""
    args = _parser().parse_args(argv)
    members = QUICK_MEMBERS if args.quick else args.members
    name = args.database or (QUICK_DATABASE if args.quick else DATABASE)
    url = bench_database(name, reuse=args.reuse)
    workdir = Path(tempfile.mkdtemp(prefix="crm-bench-candidacy-"))
    bench = Bench(url, workdir, members=members, interactions=0, quick=args.quick, scale=1.0)
    apply_migrations(url)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "command": " ".join(["python -m bench.ambassadors", *(argv or sys.argv[1:])]),
        "machine": machine(bench),
        "target_p95_ms": TARGET_P95_MS,
    }
    output = Path(
        args.output or f"bench/results/ambassadors-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        with bench.connect() as conn:
            results["seed"] = seed(conn, members)
        console.print_json(data=results["seed"])
        results["evaluation"] = _evaluate(bench)
        console.print_json(data=results["evaluation"], default=str)
    results["http"] = _http(bench, 30 if args.quick else args.samples)
    console.print_json(data=results["http"])
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    console.print(f"results written to {output}")


def _evaluate(bench: Bench) -> dict[str, Any]:
    """One real candidacy run at the seed's end: the daily job's cost at this size."""
    runtime = open_runtime(bench)
    try:
        started = time.perf_counter()
        report = use_cases(runtime).candidacy.evaluate(END)
        seconds = time.perf_counter() - started
    finally:
        runtime.close()
    with bench.connect() as conn:
        conn.execute("VACUUM ANALYZE ambassador_candidates, ambassador_candidacy_runs")
    return {
        "seconds": round(seconds, 1),
        "examined": report.examined,
        "candidates": report.candidates,
        "rule_version": report.rule_version,
    }


def _http(bench: Bench, samples: int) -> dict[str, Any]:
    """Candidate first pages per variant, and the members first page as the baseline."""
    key = api_key(bench, "manager")
    with server(bench, projections=False) as (url, _service):
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            found, every = {}, []
            for name, where in VARIANTS:

                def call(n: int, w: Any = where) -> int:
                    data = _post(client, CANDIDATES_DOCUMENT, {"filter": w(n)})
                    return len(data["ambassadorCandidates"]["edges"])

                timings = timed(name, call, samples)
                every += timings
                found[name] = percentiles(timings)
            bare = percentiles(
                timed(
                    "without why",
                    lambda n: len(
                        _post(client, WITHOUT_WHY_DOCUMENT, {})["ambassadorCandidates"]["edges"]
                    ),
                    samples,
                )
            )
            baseline = percentiles(
                timed("members", lambda n: len(_post(client, MEMBERS_DOCUMENT, {})), samples)
            )
    overall = percentiles(every)
    return {
        "candidates_first_page": overall,
        "variants": found,
        "candidates_without_why": bare,
        "baseline_members_first_page": baseline,
        "ratio_p95_to_baseline": ratio(overall["p95_ms"], baseline["p95_ms"]),
        "target_met": overall["p95_ms"] < TARGET_P95_MS,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_MEMBERS:,} members, for CI.")
    parser.add_argument("--members", type=int, default=1_000_000, help="Members to seed.")
    parser.add_argument("--samples", type=int, default=300, help="Samples per variant.")
    parser.add_argument("--reuse", action="store_true", help="Measure the seeded database again.")
    parser.add_argument("--database", help=f"Database name (default {DATABASE}).")
    parser.add_argument(
        "--output", help="Results file (default bench/results/ambassadors-<t>.json)."
    )
    return parser


if __name__ == "__main__":
    main()
