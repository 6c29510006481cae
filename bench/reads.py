"""Reads at full scale: the API's main reads, timed as SQL in-process and over HTTP.

Each read does the same query calls as its GraphQL resolver (read from api/graphql), so
the SQL time is the database's share of the HTTP time. Parameters vary per sample: other
members, other search strings, the at-risk and top lists with and without a channel.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from application.clock import utc_now
from application.crypto import KeyRing
from application.keyed_hashes import LookupHasher
from application.runtime import open_pool
from bench.harness import BENCH_SECRET, Bench, catch_up_projections
from bench.measures import percentiles, ratio
from bench.read_samples import Inputs, timed
from bench.reads_http import http_timings
from domain.moments import week_of
from projections.interactions.queries import EngagementQueries
from projections.lifecycle.queries import LifecycleQueries
from projections.members.queries import MemberFilter, MemberOrder, MemberQueries
from projections.personal import PersonalData

QUICK_SAMPLES = 30
FULL_SAMPLES = 300
PAGE_SIZE = 50
INTERACTIONS_PAGE = 20  # the member page's interaction list
ACTIVITY_WEEKS = 26  # as api/graphql/interactions/resolvers.py
MIN_SEARCH_CHARS = 8  # e.g. "member12": short enough to match many members
SQL_TARGET_P95_MS = 20.0
HTTP_TARGET_P95_MS = 50.0
SEED = 42


@dataclass(frozen=True)
class Queries:
    """The project's query classes, as the API builds them on one pool."""

    members: MemberQueries
    engagement: EngagementQueries
    lifecycle: LifecycleQueries


SqlRead = Callable[[Queries, Inputs, int], int]
# The projections whose tables these reads query (Queries above).
READ_VIEWS = ("members", "engagement", "lifecycle")


def run(bench: Bench) -> dict[str, Any]:
    """Time each read as SQL in-process, then over HTTP; p50/p95/p99 and targets."""
    # Only the views read here: after an evaluation's millions of stage changes, the
    # others (health) would take far longer than the reads themselves.
    catch_up_projections(bench, READ_VIEWS)
    samples = QUICK_SAMPLES if bench.quick else FULL_SAMPLES
    inputs = _inputs(bench, samples)
    sql = _sql_timings(bench, inputs, samples)
    http, peak_rss_mb = http_timings(bench, inputs, samples)
    met_sql = {name: sql[name]["p95_ms"] < SQL_TARGET_P95_MS for name in sql}
    met_http = {name: http[name]["p95_ms"] < HTTP_TARGET_P95_MS for name in http}
    return {
        "http_over_sql_p50": {
            name: ratio(http[name]["p50_ms"], sql[name]["p50_ms"]) for name in sql
        },
        "targets": {"sql_p95_ms": SQL_TARGET_P95_MS, "http_p95_ms": HTTP_TARGET_P95_MS},
        "targets_met": {
            "all": all(met_sql.values()) and all(met_http.values()),
            "sql": met_sql,
            "http": met_http,
        },
        "samples_per_read": samples,
        "page_size": PAGE_SIZE,
        "distinct": {
            "members": len(inputs.member_ids),
            "searches": len(set(inputs.searches)),
            "channels": inputs.channels,
        },
        "sql": sql,
        "http": http,
        "server_peak_rss_mb": round(peak_rss_mb, 1),
    }


def _inputs(bench: Bench, samples: int) -> Inputs:
    """A random (seeded) sample of members, search strings and at-risk members' channels."""
    rng = random.Random(SEED)
    with bench.connect() as conn:
        conn.execute("SELECT setseed(%s)", (SEED / 100,))
        member_ids = [
            row[0]
            for row in conn.execute(
                "SELECT member_id FROM members WHERE erased_at IS NULL ORDER BY random() LIMIT %s",
                (samples,),
            )
        ]
        names = [
            row[0]
            for row in conn.execute(
                "SELECT display_name FROM members WHERE display_name IS NOT NULL"
                " AND status IN ('active', 'left') ORDER BY random() LIMIT %s",
                (samples,),
            )
        ]
        channels = [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT unnest(m.channels) FROM member_stages s JOIN members m"
                " USING (member_id) WHERE s.stage = 'at_risk' ORDER BY 1"
            )
        ]
    if not member_ids or not names:
        raise RuntimeError("reads: the benchmark database has no members")
    if not channels:
        raise RuntimeError("reads: no member is at risk (were stages evaluated and projected?)")
    return Inputs(member_ids, [_prefix(name, rng) for name in names], channels)


def _prefix(name: str, rng: random.Random) -> str:
    """A prefix of a display name, as someone types it into a search box."""
    shortest = min(len(name), MIN_SEARCH_CHARS)
    return name[: rng.randint(shortest, len(name))].strip() or name


# SQL: the calls each resolver makes, in the same order, without building the DTOs.


def _sql_timings(bench: Bench, inputs: Inputs, samples: int) -> dict[str, dict[str, float]]:
    """Each read's latency in the database, through the project's query classes."""
    pool = open_pool(bench.database_url, 2, "bench-reads")
    try:
        queries = _queries(pool)
        return {
            name: percentiles(timed(name, partial(read, queries, inputs), samples))
            for name, read in SQL_READS.items()
        }
    finally:
        pool.close()


def _queries(pool: ConnectionPool) -> Queries:
    """The query classes on one pool, as api/services.py wires them."""
    secret = BENCH_SECRET.encode()
    personal = PersonalData(KeyRing(pool, secret), LookupHasher(secret))
    return Queries(
        MemberQueries(pool, personal), EngagementQueries(pool, personal), LifecycleQueries(pool)
    )


def _load_members(queries: Queries, member_ids: list[UUID]) -> int:
    """api.graphql.members.queries.load_members: rows by id, then their identities."""
    rows = queries.members.by_ids(member_ids)
    queries.members.open(rows.values(), queries.members.identities(list(rows)), True)
    return len(rows)


def _at_risk_sql(queries: Queries, inputs: Inputs, n: int) -> int:
    """atRiskMembers(first: 50, filter: {channel}): the page, then its members."""
    page = queries.lifecycle.at_risk(None, None, PAGE_SIZE, channel=inputs.channel(n))
    return _load_members(queries, [row["member_id"] for row in page.rows])


def _top_sql(queries: Queries, inputs: Inputs, n: int) -> int:
    """topMembers(first: 50, channel): the ranking page, then its members."""
    page = queries.engagement.top_members(inputs.channel(n), None, PAGE_SIZE)
    return _load_members(queries, [row["member_id"] for row in page.rows])


def _member_page_sql(queries: Queries, inputs: Inputs, n: int) -> int:
    """member(id) with engagement (score, rank, weekly activity) and 20 interactions."""
    member_id = inputs.member(n)
    if not _load_members(queries, [member_id]):
        return 0
    if queries.engagement.engagement(member_id) is not None:
        since = week_of(utc_now()) - timedelta(weeks=ACTIVITY_WEEKS - 1)
        queries.engagement.weekly_activity(member_id, since)
    queries.engagement.interactions(member_id, None, INTERACTIONS_PAGE, True)
    return 1


def _search_sql(queries: Queries, inputs: Inputs, n: int) -> int:
    """members(filter: {search}, first: 50) with totalCount, as an admin sees it."""
    where = queries.members.search_filter(MemberFilter(search=inputs.search(n)))
    page = queries.members.page(where, MemberOrder.JOINED_AT_DESC, None, PAGE_SIZE)
    ids = [row["member_id"] for row in page.rows]
    if ids:
        queries.members.open(page.rows, queries.members.identities(ids), True)
    queries.members.count(where)
    return len(ids)


SQL_READS: dict[str, SqlRead] = {
    "at_risk_members": _at_risk_sql,
    "top_members": _top_sql,
    "member_page": _member_page_sql,
    "members_search": _search_sql,
}
