"""The member search benchmark: a search's first page and count at 1M members, beside the
previous search (trigram index, full count) on the same rows, in the same run.

    python -m bench.search --quick              # 20,000 members; CI-sized
    python -m bench.search                      # 1,000,000 members
    python -m bench.search --reuse              # measure again on the seeded database

Seeds a database of its own (crm_bench_search, or crm_bench_search_quick) set-based: the
`members` rows are copied in, not projected, four in five named as an import names them
(`member<n>`, so `member12` starts 11,111 names) and one in five `First Last`; their name
terms are derived in Python under the benchmark's secret, exactly as the projection derives
them (name_terms), and copied in. Samples search a prefix (8 characters or more) of a random
name, as reads.py does, and each is timed as the resolver's calls: MemberQueries.page (first
50, newest first, opened), then MemberQueries.counted. The baseline runs the previous
search's two statements (substring over a trigram index, then count(*) of every match).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from api.bootstrap import personal_data
from application.migrations import apply_migrations
from application.synthetic import FIRST_NAMES, LAST_NAMES
from bench.harness import Bench, bench_database, open_runtime
from bench.machine import describe as machine
from bench.measures import percentiles, ratio
from bench.read_samples import timed
from bench.reads import MIN_SEARCH_CHARS, PAGE_SIZE
from projections.members.name_terms import name_terms
from projections.members.queries import MemberFilter, MemberOrder, MemberQueries
from projections.personal import PersonalData

DATABASE = "crm_bench_search"
QUICK_DATABASE = "crm_bench_search_quick"
QUICK_MEMBERS = 20_000
TARGET_P95_MS = 20.0
SEED = 42
JOINED_FROM = datetime(2021, 1, 1, tzinfo=UTC)

# The previous search (before migration 0034), on the same rows: names by substring over
# a trigram index, e-mails and handles by blind index; then every match counted.
TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS bench_members_name_trgm_idx ON members"
    " USING gin (lower(display_name) gin_trgm_ops)"
)
_BASELINE_WHERE = (
    "status = ANY(ARRAY['active', 'left']) AND (lower(display_name) LIKE %s"
    " OR search_keys && %s::bytea[])"
)
BASELINE_PAGE = (
    f"SELECT * FROM members WHERE {_BASELINE_WHERE}"
    " ORDER BY joined_at DESC, member_id DESC LIMIT %s"
)
BASELINE_COUNT = f"SELECT count(*) FROM members WHERE {_BASELINE_WHERE}"


def member(n: int) -> tuple[uuid.UUID, str | None, str, datetime]:
    """Member n of the seed: id, name (None: erased), status, join time."""
    member_id = uuid.UUID(hashlib.md5(f"m{n}".encode()).hexdigest())  # noqa: S324
    if n % 100 == 99:
        return member_id, None, "erased", JOINED_FROM + timedelta(minutes=n)
    if n % 5 == 0:
        first = FIRST_NAMES[n * 7 % len(FIRST_NAMES)]
        name = f"{first} {LAST_NAMES[n * 13 % len(LAST_NAMES)]}"
    else:
        name = f"member{n}"
    status = "left" if n % 12 == 0 else "active"
    return member_id, name, status, JOINED_FROM + timedelta(minutes=n)


def seed(conn: psycopg.Connection[Any], personal: PersonalData, members: int) -> dict[str, Any]:
    """Copy in the members and their name terms, then index and analyze; returns counts."""
    conn.execute("ALTER TABLE member_name_terms DROP CONSTRAINT member_name_terms_pkey")
    conn.execute("DROP INDEX member_name_terms_member_idx")
    terms = 0
    with conn.cursor() as cur:
        with cur.copy(
            "COPY members (member_id, display_name, status, joined_at, source_channel, version,"
            " updated_at, erased_at) FROM STDIN"
        ) as copy:
            for member_id, name, status, joined in map(member, range(1, members + 1)):
                erased = joined if status == "erased" else None
                copy.write_row((member_id, name, status, joined, "discord", 1, joined, erased))
        with cur.copy("COPY member_name_terms (term, joined_at, member_id) FROM STDIN") as copy:
            for member_id, joined, term in _terms(personal, members):
                copy.write_row((term, joined, member_id))
                terms += 1
    conn.execute("ALTER TABLE member_name_terms ADD PRIMARY KEY (term, joined_at, member_id)")
    conn.execute("CREATE INDEX member_name_terms_member_idx ON member_name_terms (member_id)")
    conn.execute(TRIGRAM_INDEX)
    conn.execute("VACUUM (ANALYZE) members")
    conn.execute("VACUUM (ANALYZE) member_name_terms")
    return {"members": members, "name_terms": terms, "sizes_mb": sizes(conn)}


def _terms(personal: PersonalData, members: int) -> Iterator[tuple[uuid.UUID, datetime, int]]:
    for member_id, name, _, joined in map(member, range(1, members + 1)):
        for term in name_terms(personal, name):
            yield member_id, joined, term


def sizes(conn: psycopg.Connection[Any]) -> dict[str, float]:
    """On-disk sizes (MB) of the name terms and of the trigram index they replace."""
    found: dict[str, float] = {}
    for name in ("members", "member_name_terms", "bench_members_name_trgm_idx"):
        row = conn.execute("SELECT pg_total_relation_size(%s)", (name,)).fetchone()
        found[name] = round((row[0] if row else 0) / 2**20, 1)
    return found


def searches(conn: psycopg.Connection[Any], samples: int) -> list[str]:
    """Prefixes (8 characters or more) of random names, as someone types them."""
    rng = random.Random(SEED)
    conn.execute("SELECT setseed(0.42)")
    names = [
        row[0]
        for row in conn.execute(
            "SELECT display_name FROM members WHERE display_name IS NOT NULL"
            " ORDER BY random() LIMIT %s",
            (samples,),
        )
    ]
    return [n[: rng.randint(min(len(n), MIN_SEARCH_CHARS), len(n))].strip() for n in names]


def measure(bench: Bench, samples: int) -> dict[str, Any]:
    """The search's page and count, then the previous search's, on the same inputs."""
    runtime = open_runtime(bench)
    try:
        personal = personal_data(runtime)
        queries = MemberQueries(runtime.pool, personal)
        with bench.connect() as conn:
            texts = searches(conn, samples)
        wheres = [queries.search_filter(MemberFilter(search=t)) for t in texts]
        capped = 0

        def ours(n: int) -> int:
            nonlocal capped
            where = wheres[n % len(wheres)]
            page = queries.page(where, MemberOrder.JOINED_AT_DESC, None, PAGE_SIZE)
            ids = [row["member_id"] for row in page.rows]
            queries.open(page.rows, queries.identities(ids), True)
            capped += not queries.counted(where).exact
            return len(ids)

        def count_only(n: int) -> int:
            return queries.counted(wheres[n % len(wheres)]).total

        def before(n: int) -> int:
            where = wheres[n % len(wheres)]
            like = "%" + (where.search or "").lower().replace("%", "\\%").replace("_", "\\_") + "%"
            params = (like, list(where.search_keys))
            with runtime.pool.connection() as conn:
                rows = conn.execute(BASELINE_PAGE, (*params, PAGE_SIZE + 1)).fetchall()
                conn.execute(BASELINE_COUNT, params).fetchone()
            return len(rows)

        found = percentiles(timed("search", ours, samples))
        capped_share = capped / samples
        counts = percentiles(timed("count", count_only, samples))
        baseline = percentiles(timed("previous search", before, samples))
    finally:
        runtime.close()
    return {
        "search_page_and_count": found,
        "count_alone": counts,
        "baseline_previous_search": baseline,
        "ratio_p95_to_baseline": ratio(found["p95_ms"], baseline["p95_ms"]),
        "share_of_searches_capped": round(capped_share, 3),
        "distinct_searches": len(set(texts)),
        "target_met": found["p95_ms"] < TARGET_P95_MS,
    }


def main(argv: list[str] | None = None) -> None:
    """Seed (unless reused), time the searches, write the results file."""
    args = _parser().parse_args(argv)
    members = QUICK_MEMBERS if args.quick else args.members
    name = args.database or (QUICK_DATABASE if args.quick else DATABASE)
    url = bench_database(name, reuse=args.reuse)
    workdir = Path(tempfile.mkdtemp(prefix="crm-bench-search-"))
    bench = Bench(url, workdir, members=members, interactions=0, quick=args.quick, scale=1.0)
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    output = Path(args.output or f"bench/results/search-{stamp}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    apply_migrations(url)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "command": " ".join(["python -m bench.search", *(argv or sys.argv[1:])]),
        "target_p95_ms": TARGET_P95_MS,
        "machine": machine(bench),
    }
    if not args.reuse:
        runtime = open_runtime(bench)
        try:
            with bench.connect() as conn:
                results["seed"] = seed(conn, personal_data(runtime), members)
        finally:
            runtime.close()
    results["members_search_sql"] = measure(bench, 30 if args.quick else args.samples)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(json.dumps(results, indent=2, default=str))
    print(f"results written to {output}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_MEMBERS:,} members.")
    parser.add_argument("--members", type=int, default=1_000_000, help="Community size.")
    parser.add_argument("--samples", type=int, default=300, help="Searches timed.")
    parser.add_argument("--reuse", action="store_true", help="Measure the seeded database again.")
    parser.add_argument("--database", help=f"Database name (default {DATABASE}).")
    parser.add_argument("--output", help="Results file (default bench/results/search-…).")
    return parser


if __name__ == "__main__":
    main()
