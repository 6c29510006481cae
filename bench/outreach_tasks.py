"""The follow-up tasks benchmark: the `tasks` list's first page at 1M members, beside a baseline.

    python -m bench.outreach_tasks --quick              # 20,000 members; CI-sized
    python -m bench.outreach_tasks                      # 1,000,000 members, 500,000 tasks
    python -m bench.outreach_tasks --reuse              # measure again on the seeded database

Seeds a database of its own (crm_bench_tasks, or crm_bench_tasks_quick) set-based: the
rows of `outreach_tasks` are written directly, not projected. Only the titles are made in
Python, each sealed (AES-GCM, as the projection seals it) under its member's real key and
bound to its task id, so a page pays the real cost of opening. Tasks concentrate on a
tenth of the members (those a manager follows up), five each on average; every other
column is derived in SQL from the task's number. Then times TaskQueries.page (first page
of 50, titles opened) per filter a manager uses, beside the bare index read under it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from api.bootstrap import personal_data
from application.migrations import apply_migrations
from bench.harness import Bench, bench_database, open_runtime
from bench.machine import describe as machine
from bench.measures import percentiles, ratio
from bench.read_samples import timed
from projections.outreach.tasks_queries import TaskFilter, TaskQueries
from projections.outreach.tasks_writes import TITLE
from projections.personal import seal_value

DATABASE = "crm_bench_tasks"
QUICK_DATABASE = "crm_bench_tasks_quick"
QUICK_MEMBERS = 20_000
TARGET_P95_MS = 20.0
PAGE = 50
STAFF = 40
TODAY = date(2026, 12, 4)
SEED = 42
WORDS = "call ask invite thank follow up about launch meetup feedback renewal docs".split()

# Each column from the task number n: seven in ten done, one cancelled, two open. Closed
# tasks were due over the last two years; open ones within 60 days either side of today
# (about half overdue). A quarter link nothing, the rest an at-risk flag, an item, a nomination.
_TASKS_SQL = """
INSERT INTO outreach_tasks (task_id, member_id, assignee_id, sealed_title, due_on, status,
    link_kind, link_id, created_at, completed_at, cancelled_at, member_erased, version,
    position, changed_at)
SELECT s.task_id, s.member_id, md5('staff-' || (s.n / 10 %% %(staff)s))::uuid, s.sealed, d.due_on,
    st.status,
    (ARRAY[NULL, 'at_risk', 'feedback_item', 'ambassador_nomination'])[1 + s.n %% 4],
    CASE WHEN s.n %% 4 = 2 THEN md5('item-' || s.n)::uuid
         WHEN s.n %% 4 <> 0 THEN s.member_id END,
    d.due_on - 7, CASE WHEN st.status = 'done' THEN d.due_on::timestamptz END,
    CASE WHEN st.status = 'cancelled' THEN d.due_on::timestamptz END,
    false, CASE WHEN st.status = 'open' THEN 1 ELSE 2 END, s.n, d.due_on - 7
FROM bench_tasks_seed s,
    LATERAL (SELECT CASE WHEN s.n %% 10 < 7 THEN 'done' WHEN s.n %% 10 = 7 THEN 'cancelled'
                         ELSE 'open' END AS status) st,
    LATERAL (SELECT CASE WHEN st.status = 'open'
                         THEN %(today)s::date - 60 + (s.n::bigint * 7919 %% 121)::int
                         ELSE %(today)s::date - 730 + (s.n::bigint * 104729 %% 730)::int
                    END AS due_on) d
"""
BASELINE = (
    "SELECT task_id, due_on FROM outreach_tasks WHERE status = 'open' AND NOT member_erased"
    " ORDER BY due_on, task_id LIMIT %s"
)


def seed(conn: psycopg.Connection[Any], keyring: Any, members: int) -> dict[str, Any]:
    """Fill outreach_tasks for a community of `members`; returns the counts."""
    followed = [uuid.UUID(int=n + 1, version=4) for n in range(max(10, members // 10))]
    keyring.create_keys(followed)
    keys = keyring.preload(followed)
    tasks = members // 2
    conn.execute(
        "CREATE UNLOGGED TABLE bench_tasks_seed"
        " (n integer, task_id uuid, member_id uuid, sealed bytea)"
    )
    rng = random.Random(SEED)
    with conn.cursor().copy(
        "COPY bench_tasks_seed (n, task_id, member_id, sealed) FROM STDIN"
    ) as copy:
        for n in range(1, tasks + 1):
            task_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            member = followed[rng.randrange(len(followed))]
            title = " ".join(rng.choices(WORDS, k=rng.randint(3, 12)))
            copy.write_row((n, task_id, member, seal_value(keys[member], title, TITLE, task_id)))
    conn.execute(_TASKS_SQL, {"staff": STAFF, "today": TODAY})
    conn.execute("DROP TABLE bench_tasks_seed")
    conn.execute("VACUUM (ANALYZE) outreach_tasks")
    conn.execute("ANALYZE personal_data_keys")
    return {"members": members, "members_with_tasks": len(followed), "tasks": tasks}


def variants(followed: list[uuid.UUID]) -> dict[str, Any]:
    """The first pages a manager opens, each a TaskFilter of sample n."""

    return {
        "all": lambda n: TaskFilter(),
        "open": lambda n: TaskFilter(status="open"),
        "done": lambda n: TaskFilter(status="done"),
        "assignee": lambda n: TaskFilter(assignee_id=staff_id(n)),
        "assignee_open": lambda n: TaskFilter(assignee_id=staff_id(n), status="open"),
        "open_due_within_week": lambda n: TaskFilter(
            status="open", due_before=TODAY + timedelta(days=7)
        ),
        "member": lambda n: TaskFilter(member_id=followed[n * 7919 % len(followed)]),
    }


def staff_id(n: int) -> uuid.UUID:
    """The id the seed gives staff member n: md5('staff-' || n)::uuid, as in PostgreSQL."""
    return uuid.UUID(hashlib.md5(f"staff-{n % STAFF}".encode()).hexdigest())  # noqa: S324


def first_pages(bench: Bench, members: int, samples: int) -> dict[str, Any]:
    """TaskQueries.page, first page of 50 per variant; baseline: the bare index read."""
    runtime = open_runtime(bench)
    try:
        queries = TaskQueries(runtime.pool, personal_data(runtime))
        followed = [uuid.UUID(int=n + 1, version=4) for n in range(max(10, members // 10))]
        per_variant = max(10, samples // 7)
        found: dict[str, Any] = {}
        every: list[float] = []
        for name, where in variants(followed).items():

            def page(n: int, w: Any = where) -> int:
                return len(queries.page(w(n), TODAY, PAGE, None).rows)

            timings = timed(name, page, per_variant)
            every += timings
            found[name] = percentiles(timings)

        def bare(n: int) -> int:
            with runtime.pool.connection() as conn:
                return len(conn.execute(BASELINE, (PAGE + 1,)).fetchall())

        baseline = percentiles(timed("bare", bare, samples))
    finally:
        runtime.close()
    overall = percentiles(every)
    return {
        "all_variants": overall,
        "variants": found,
        "baseline_bare_index_read": baseline,
        "ratio_p95_to_baseline": ratio(overall["p95_ms"], baseline["p95_ms"]),
        "target_met": overall["p95_ms"] < TARGET_P95_MS,
    }


def main(argv: list[str] | None = None) -> None:
    """Seed (unless reused), time the first pages, write the results file."""
    args = _parser().parse_args(argv)
    members = QUICK_MEMBERS if args.quick else args.members
    name = args.database or (QUICK_DATABASE if args.quick else DATABASE)
    url = bench_database(name, reuse=args.reuse)
    workdir = Path(tempfile.mkdtemp(prefix="crm-bench-tasks-"))
    bench = Bench(url, workdir, members=members, interactions=0, quick=args.quick, scale=1.0)
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    output = Path(args.output or f"bench/results/outreach-tasks-{stamp}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    apply_migrations(url)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "command": " ".join(["python -m bench.outreach_tasks", *(argv or sys.argv[1:])]),
        "target_p95_ms": TARGET_P95_MS,
        "machine": machine(bench),
    }
    if not args.reuse:
        runtime = open_runtime(bench)
        try:
            with bench.connect() as conn:
                results["seed"] = seed(conn, runtime.community.keyring, members)
        finally:
            runtime.close()
    results["tasks_first_page_sql"] = first_pages(
        bench, members, 30 if args.quick else args.samples
    )
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(json.dumps(results["tasks_first_page_sql"], indent=2))
    print(f"results written to {output}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_MEMBERS:,} members.")
    parser.add_argument("--members", type=int, default=1_000_000, help="Community size.")
    parser.add_argument("--samples", type=int, default=700, help="Samples over all variants.")
    parser.add_argument("--reuse", action="store_true", help="Measure the seeded database again.")
    parser.add_argument("--database", help=f"Database name (default {DATABASE}).")
    parser.add_argument("--output", help="Results file (default bench/results/outreach-tasks-…).")
    return parser


if __name__ == "__main__":
    main()
