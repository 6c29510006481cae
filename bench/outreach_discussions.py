"""topDiscussions at scale: the ranking read from the `discussions` rollups, timed beside a
baseline (the bare per-thread sum over the same days, with no flags, distinct members,
first message or staff response).

The read model is filled set-based (generate_series), not projected: this measures the
read. A year of threads among 1,000,000 members, each thread active over up to two weeks;
one staff member in 5,000 and one bot in 20,000 take part like anyone. Summaries are left
unsealed (NULL): opening them costs one key query for the threads shown, not measured.

    CRM_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        python -m bench.outreach_discussions [--scale 0.1] [--samples 30] [--output FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from api.bootstrap import personal_data
from application.embedded import database_url
from application.migrations import apply_migrations
from bench.harness import Bench, open_runtime, recreate_database
from bench.measures import percentiles, ratio
from bench.read_samples import timed
from domain.outreach.discussions import DiscussionPeriod
from projections.outreach.discussions_queries import DiscussionQueries

DATABASE = "crm_bench_discussions"
MEMBERS = 1_000_000
THREADS = 200_000  # at scale 1
END = date(2026, 11, 30)
YEAR = 365
CHANNELS = ("discord", "slack", "github", "forum", "discourse")
FIRST = 10

# Thread n (1..threads) starts on a day of the year on a channel; its row r (1..1+n*31%40)
# is a member's day in it, within two weeks of its start. Member m's id is md5(m)::uuid.
SEED_SQL = """
CREATE TEMP TABLE seed_threads AS
SELECT n, md5('thread' || n)::uuid AS thread_id,
    (ARRAY['discord','slack','github','forum','discourse'])[1 + n %% 5] AS channel,
    %(end)s::date - 1 - (n::bigint * 7919 %% 365)::int AS started
FROM generate_series(1, %(threads)s) AS n;

INSERT INTO discussion_days (day, thread_id, member_id, recorded_on, channel, contributions,
    reactions)
SELECT t.started + (r * r %% 14), t.thread_id,
    md5(((t.n::bigint * 1009 + r * 7919) %% %(members)s)::text)::uuid,
    t.started + (r * r %% 14), t.channel, CASE WHEN r %% 4 = 0 THEN 0 ELSE 1 + r %% 3 END,
    CASE WHEN r %% 4 = 0 THEN 1 + r %% 5 ELSE r %% 2 END
FROM seed_threads t, generate_series(1, 1 + (t.n * 31 %% 40)) AS r;

INSERT INTO discussion_messages (thread_id, occurred_at, member_id, recorded_at)
SELECT d.thread_id, m.at, d.member_id, m.at
FROM discussion_days d,
    LATERAL (SELECT d.day + time '08:00' + (hashtext(d.member_id::text) & 32767)
        * interval '1 second' AS at) m
WHERE d.contributions > 0;

INSERT INTO discussion_threads (thread_id, channel, thread_ref, first_interaction_id,
    first_member_id, first_at, first_recorded_at, sealed_summary)
SELECT t.thread_id, t.channel, 'thread-' || t.n, md5('first' || t.n)::uuid, f.member_id,
    f.occurred_at, f.occurred_at, NULL
FROM seed_threads t
JOIN LATERAL (SELECT member_id, occurred_at FROM discussion_messages m
    WHERE m.thread_id = t.thread_id ORDER BY occurred_at LIMIT 1) f ON true;

INSERT INTO discussion_members (member_id, is_staff, is_bot)
SELECT md5(m::text)::uuid, m %% 5000 = 0, m %% 20000 = 7
FROM generate_series(0, %(members)s - 1) AS m
WHERE m %% 5000 = 0 OR m %% 20000 = 7;

ANALYZE discussion_days, discussion_messages, discussion_threads, discussion_members;
"""
BASELINE = """
SELECT thread_id, sum(contributions) AS s FROM discussion_days
WHERE day >= %s AND day < %s GROUP BY thread_id ORDER BY s DESC LIMIT %s
"""


def seed(url: str, threads: int) -> dict[str, Any]:
    """Fill the discussions read model set-based; its row counts and the time it took."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        values = {"end": END, "threads": threads, "members": MEMBERS}
        # One statement at a time: parameters go with single statements only.
        for statement in SEED_SQL.split(";\n\n"):
            conn.execute(statement, values if "%(" in statement else None)
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in ("discussion_threads", "discussion_days", "discussion_messages")
        }
    return {**counts, "seconds": round(time.perf_counter() - started, 1)}


def measure(bench: Bench, samples: int) -> dict[str, Any]:
    """topDiscussions' SQL (DiscussionQueries.top) per span, beside the bare aggregate."""
    runtime = open_runtime(bench)
    try:
        queries = DiscussionQueries(runtime.pool, personal_data(runtime))
        found: dict[str, Any] = {}
        for name, days in (("week", 7), ("month", 30), ("year", YEAR)):

            def top(n: int, span: int = days) -> int:
                # Spans ending on different days; every other sample on one channel, every
                # third as known at the end of the span's last day.
                end = END - timedelta(days=n % 30)
                channel = CHANNELS[n % len(CHANNELS)] if n % 2 else None
                as_of = end - timedelta(days=1) if n % 3 == 0 else None
                period = DiscussionPeriod.checked(
                    end - timedelta(days=span), end, channel, FIRST, as_of
                )
                return len(queries.top(period, reveal=False))

            def bare(n: int, span: int = days) -> int:
                end = END - timedelta(days=n % 30)
                with runtime.pool.connection() as conn:
                    return len(
                        conn.execute(BASELINE, (end - timedelta(days=span), end, FIRST)).fetchall()
                    )

            ours = percentiles(timed(f"top_{name}", top, samples))
            baseline = percentiles(timed(f"bare_{name}", bare, samples))
            found[name] = {
                "top_discussions": ours,
                "baseline_bare_sum": baseline,
                "ratio_p95_to_baseline": ratio(ours["p95_ms"], baseline["p95_ms"]),
            }
        return found
    finally:
        runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="threads x this (default 1)")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    server_url = os.environ.get("CRM_DATABASE_URL")
    if not server_url:
        sys.exit("set CRM_DATABASE_URL to a PostgreSQL server (a database is created there)")
    threads = int(THREADS * args.scale)
    workdir = Path(tempfile.mkdtemp(prefix="bench-discussions-"))
    if args.reuse:
        url = database_url(server_url, DATABASE)
        seeded: dict[str, Any] = {"reused": True}
    else:
        url = recreate_database(server_url, DATABASE)
        apply_migrations(url)
        seeded = seed(url, threads)
    bench = Bench(url, workdir, MEMBERS, 0, quick=False, scale=args.scale)
    result = {"threads": threads, "members": MEMBERS, "seed": seeded}
    result["reads"] = measure(bench, args.samples)
    text = json.dumps(result, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")


if __name__ == "__main__":
    main()
