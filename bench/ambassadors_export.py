"""The marketing export benchmark: 100k consenting ambassadors as CSV, beside PostgreSQL's COPY.

    python -m bench.ambassadors_export --quick        # 5,000 ambassadors; CI runs it
    python -m bench.ambassadors_export                # 100,000 ambassadors over 1,000,000 members

Seeds a database of its own (crm_bench_ambassadors, or crm_bench_ambassadors_quick) with
the read-model rows the export reads, written set-based (not projected): members, the
ambassadors among them with real keys and e-mails sealed under them (so the export pays the
real cost of opening), their MARKETING_EMAIL consents (a tenth without, some expired) and
engagement. Then runs `crm export ambassadors` in a process of its own (rows/s and its peak
RSS, start-up included; and without start-up, taken as the time `crm export ambassadors
--help` needs), the same export in this process (streaming alone), `GET
/exports/ambassadors.csv` from `crm serve` (twice: the first request pays warm-up), and the
baseline: COPY … TO STDOUT CSV of the same rows, by the same query, without opening e-mails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import sql
from rich.console import Console

from application.migrations import apply_migrations
from bench.harness import (
    Bench,
    api_key,
    bench_database,
    catch_up_projections,
    crm,
    open_runtime,
    server,
)
from bench.measures import peak_rss_mb, ratio
from domain.ambassadors.ambassadorship import Ambassadorship
from domain.interactions.engagement import DEFAULT_RULE
from projections.disclosures.ambassadors_export import _ROWS, AmbassadorFilter, _params, _query
from projections.personal import EMAIL, seal_value
from projections.positions import EVENTS_TABLE

DATABASE = "crm_bench_ambassadors"
QUICK_DATABASE = "crm_bench_ambassadors_quick"
TARGETS = {"rows_per_s": 50_000, "peak_rss_mb": 300.0}
NOW = datetime(2026, 11, 30, tzinfo=UTC)
console = Console(stderr=True)

_MEMBERS = """
INSERT INTO members (member_id, display_name, status, joined_at, source_channel, channels,
    version, updated_at)
SELECT md5('member-' || n)::uuid,
    CASE WHEN n %% 50 = 0 THEN '=HYPERLINK("x"), "Member ' || n || '"' ELSE 'Member ' || n END,
    'active', %(now)s - (n %% 700) * interval '1 day', 'discord',
    CASE n %% 3 WHEN 0 THEN ARRAY['discord', 'github'] WHEN 1 THEN ARRAY['discord']
        ELSE ARRAY['github', 'forum'] END,
    1, %(now)s
FROM generate_series(1, %(members)s) AS n
"""
# Ambassadors are members 1..N: nineteen in twenty active, in three tiers. Their record
# ids (uuid5, Ambassadorship.id_for) come from Python, in member order.
_AMBASSADORS = """
INSERT INTO ambassadors (member_id, record_id, status, tier, nominated_at, since, term_ends,
    version, position, changed_at)
SELECT md5('member-' || n)::uuid, record_id,
    CASE WHEN n %% 20 = 0 THEN 'paused' ELSE 'active' END,
    (ARRAY['bronze', 'silver', 'gold'])[n %% 3 + 1], %(now)s - interval '200 days',
    %(now)s - interval '180 days', %(now)s + interval '185 days', 2, n, %(now)s
FROM unnest(%(records)s::uuid[]) WITH ORDINALITY AS r (record_id, n)
"""
# Consent: none for one in ten, expired for one in twenty, given otherwise.
_CONSENTS = """
INSERT INTO member_consents (member_id, purpose, given, text_version, source, at, expires_at,
    position)
SELECT md5('member-' || n)::uuid, 'marketing_email', true, 'v1', 'form',
    %(now)s - interval '100 days',
    CASE WHEN n %% 20 = 7 THEN %(now)s - interval '1 day' END, n
FROM generate_series(1, %(ambassadors)s) AS n WHERE n %% 10 <> 0
"""
_ENGAGEMENT = """
INSERT INTO member_engagement (member_id, rank_key, interactions)
SELECT md5('member-' || n)::uuid, %(base)s + log(2, (n %% 97 + 1)::numeric)::float8, n %% 97 + 1
FROM generate_series(1, %(members)s) AS n
"""


def main(argv: list[str] | None = None) -> None:
    """Seed, measure the export three ways, write the results file."""
    args = _parser().parse_args(argv)
    ambassadors = 5_000 if args.quick else args.ambassadors
    members = ambassadors * 2 if args.quick else args.members
    name = args.database or (QUICK_DATABASE if args.quick else DATABASE)
    url = bench_database(name, reuse=args.reuse)
    workdir = Path(tempfile.mkdtemp(prefix="crm-bench-ambassadors-"))
    bench = Bench(url, workdir, members=members, interactions=0, quick=args.quick, scale=1.0)
    apply_migrations(url)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "members": members,
        "ambassadors": ambassadors,
        "targets": TARGETS,
        "command": " ".join(["python -m bench.ambassadors_export", *(argv or sys.argv[1:])]),
    }
    if not args.reuse:
        results["seed"] = seed(bench, members, ambassadors)
    # Earlier runs recorded disclosures: the export waits for the read models to reach them.
    catch_up_projections(bench)
    results["export"] = measure(bench)
    console.print_json(data=results, default=str)
    output = Path(
        args.output or f"bench/results/ambassadors-export-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    console.print(f"results written to {output}")


def seed(bench: Bench, members: int, ambassadors: int) -> dict[str, Any]:
    """The read-model rows, set-based; only the ambassadors' e-mails are sealed in Python."""
    started = time.perf_counter()
    params = {"now": NOW, "members": members, "ambassadors": ambassadors}
    runtime = open_runtime(bench)
    try:
        ids = [uuid.UUID(bytes=_md5(f"member-{n}")) for n in range(1, ambassadors + 1)]
        runtime.community.keyring.create_keys(ids)
        keys = runtime.community.keyring.preload(ids)
    finally:
        runtime.close()
    with bench.connect() as conn:
        conn.execute(_MEMBERS, params)
        conn.execute("CREATE UNLOGGED TABLE bench_emails (member_id uuid, sealed bytea)")
        with conn.cursor().copy("COPY bench_emails (member_id, sealed) FROM STDIN") as copy:
            for n, member in enumerate(ids, 1):
                copy.write_row(
                    (member, seal_value(keys[member], f"a{n}@example.org", EMAIL, member))
                )
        conn.execute(
            "UPDATE members m SET sealed_email = e.sealed FROM bench_emails e"
            " WHERE m.member_id = e.member_id"
        )
        conn.execute("DROP TABLE bench_emails")
        records = [Ambassadorship.id_for(member) for member in ids]
        conn.execute(_AMBASSADORS, params | {"records": records})
        conn.execute(_CONSENTS, params)
        conn.execute(_ENGAGEMENT, params | {"base": DEFAULT_RULE.halvings(NOW - timedelta(days=3))})
        conn.execute("VACUUM ANALYZE members, ambassadors, member_consents, member_engagement")
    return {"seconds": round(time.perf_counter() - started, 1)}


def measure(bench: Bench) -> dict[str, Any]:
    """The CLI export (a process of its own), the export streamed in-process, and COPY."""
    out = bench.workdir / "ambassadors.csv"
    finished = crm(bench, "export", "ambassadors", "--out", str(out), "--operator", "bench")
    rows = _rows(out)
    found: dict[str, Any] = {
        "rows": rows,
        "cli": {
            "seconds": round(finished.seconds, 2),
            "rows_per_s": round(rows / finished.seconds),
            "peak_rss_mb": round(finished.peak_rss_mb, 1),
            "bytes": out.stat().st_size,
        },
    }
    out.unlink()
    startup = crm(bench, "export", "ambassadors", "--help").seconds
    streaming = finished.seconds - startup
    found["cli"] |= {
        "startup_seconds": round(startup, 2),
        "rows_per_s_without_startup": round(rows / streaming),
    }
    found["in_process"] = _in_process(bench)
    found["http"] = _http(bench)
    found["baseline_copy_csv"] = _copy(bench, rows)
    found["cli_ratio_to_copy"] = ratio(
        found["cli"]["rows_per_s"], found["baseline_copy_csv"]["rows_per_s"]
    )
    found["target_met"] = (
        found["cli"]["rows_per_s"] >= TARGETS["rows_per_s"]
        and found["cli"]["peak_rss_mb"] < TARGETS["peak_rss_mb"]
    )
    return found


def _in_process(bench: Bench) -> dict[str, Any]:
    """The export's streaming alone: snapshot, record, rows (no process start-up)."""
    from api.ambassador_export import exported_csv
    from api.bootstrap import use_cases
    from application.disclosures import Recipient

    runtime = open_runtime(bench)
    try:
        log = use_cases(runtime).disclosures
        started = time.perf_counter()
        chunks = exported_csv(
            runtime, log, Recipient("bench", "cli"), AmbassadorFilter(), runtime.community.clock()
        )
        lines = sum(chunk.count(b"\r\n") for chunk in chunks) - 1
        seconds = time.perf_counter() - started
    finally:
        runtime.close()
    return {"seconds": round(seconds, 2), "rows_per_s": round(lines / seconds)}


def _http(bench: Bench) -> dict[str, Any]:
    """GET /exports/ambassadors.csv from `crm serve`, twice; the server's RSS around them.

    Each request starts once the server's projections have applied the log (the previous
    export's record among it: 85,000 rows for the disclosures projection to write), so that
    it pays for its own record's projection only."""
    key = api_key(bench, "marketing")
    runs = []
    with server(bench, projections=True) as (url, service):
        assert service.process is not None
        rss_before = peak_rss_mb(service.process.pid)
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            for _ in range(2):
                _settled(bench)
                started = time.perf_counter()
                with client.stream("GET", "/exports/ambassadors.csv") as response:
                    response.raise_for_status()
                    # \n alone: a chunk may end between the \r and the \n of a line.
                    lines = sum(chunk.count(b"\n") for chunk in response.iter_bytes()) - 1
                seconds = time.perf_counter() - started
                runs.append({"seconds": round(seconds, 2), "rows_per_s": round(lines / seconds)})
        rss_after = peak_rss_mb(service.process.pid)
    return {
        "runs": runs,
        "rows_per_s_best": max(run["rows_per_s"] for run in runs),
        "server_peak_rss_mb_before": round(rss_before, 1),
        "server_peak_rss_mb_after": round(rss_after, 1),
    }


def _settled(bench: Bench, timeout: float = 120.0) -> None:
    """Wait until every projection's position is the head of the log."""
    deadline = time.monotonic() + timeout
    with bench.connect() as conn:
        while time.monotonic() < deadline:
            head = conn.execute(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS_TABLE}")
            row = head.fetchone()
            behind = conn.execute(
                "SELECT count(*) FROM projection_positions WHERE position < %s",
                (row[0] if row else 0,),
            ).fetchone()
            if not behind or behind[0] == 0:
                return
            time.sleep(0.2)
    raise RuntimeError("the server's projections did not reach the head of the log")


def _copy(bench: Bench, rows: int) -> dict[str, Any]:
    """COPY of the export's rows by the export's own query, e-mails left sealed."""
    where = AmbassadorFilter()
    query, params = _query(_ROWS, where), _params(where, NOW) | {"halvings": 0.0}
    with bench.connect() as conn:
        bound = psycopg.ClientCursor(conn).mogrify(query, params)
        started = time.perf_counter()
        copied = 0
        with conn.cursor().copy(
            sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER)").format(sql.SQL(bound))
        ) as copy:
            for chunk in copy:
                copied += len(chunk)
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "rows_per_s": round(rows / seconds), "bytes": copied}


def _rows(path: Path) -> int:
    with path.open("rb") as file:
        return sum(1 for _ in file) - 1  # no cell of this data holds a line break


def _md5(text: str) -> bytes:
    return hashlib.md5(text.encode()).digest()  # noqa: S324 - ids, as SQL's md5()::uuid


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 ambassadors, for CI.")
    parser.add_argument("--ambassadors", type=int, default=100_000, help="Ambassadors to seed.")
    parser.add_argument("--members", type=int, default=1_000_000, help="Members to seed.")
    parser.add_argument("--reuse", action="store_true", help="Measure the seeded database again.")
    parser.add_argument("--database", help=f"Database name (default {DATABASE}).")
    parser.add_argument("--output", help="Results file (default bench/results/…).")
    return parser


if __name__ == "__main__":
    main()
