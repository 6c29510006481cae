"""Reads at full scale: the API's main reads, timed as SQL in-process and over HTTP.

Each read does the same query calls as its GraphQL resolver (read from api/graphql), so
the SQL time is the database's share of the HTTP time. Parameters vary per sample: other
members, other search strings, the at-risk and top lists with and without a channel.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import httpx
from psycopg_pool import ConnectionPool

from application.clock import utc_now
from application.crypto import KeyRing, LookupHasher
from application.runtime import open_pool
from bench.harness import (
    BENCH_SECRET,
    Bench,
    api_key,
    catch_up_projections,
    percentiles,
    ratio,
    server,
)
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

AT_RISK_DOCUMENT = """
query AtRisk($channel: Channel) {
  atRiskMembers(first: 50, filter: {channel: $channel}) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      member { id displayName }
      since reason ruleVersion lastInteractionAt channels
      why { baselineWeekly recentWeekly daysSilent score }
    } }
  }
}
"""
TOP_DOCUMENT = """
query Top($channel: Channel) {
  topMembers(first: 50, channel: $channel) {
    pageInfo { hasNextPage endCursor }
    edges { node { rank score member { id displayName channels } } }
  }
}
"""
MEMBER_PAGE_DOCUMENT = """
query MemberPage($id: ID!) {
  member(id: $id) {
    id displayName email status joinedAt sourceChannel tags channels isStaff isBot version
    identities { channel handle linkedAt }
    engagement {
      score rank percentile rankedMembers interactions firstInteractionAt lastInteractionAt
      weeklyActivity { week channel interactions weight }
    }
    interactions(first: 20) {
      pageInfo { hasNextPage endCursor }
      edges { node { id kind channel occurredAt threadRef summary } }
    }
  }
}
"""
SEARCH_DOCUMENT = """
query Search($search: String!) {
  members(filter: {search: $search}, first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id displayName email tags channels joinedAt status } }
  }
}
"""


@dataclass(frozen=True)
class Inputs:
    """What the samples cycle through, drawn from the data up front."""

    member_ids: list[UUID]
    searches: list[str]
    channels: list[str]

    def member(self, n: int) -> UUID:
        """The member of sample n."""
        return self.member_ids[n % len(self.member_ids)]

    def search(self, n: int) -> str:
        """The search string of sample n."""
        return self.searches[n % len(self.searches)]

    def channel(self, n: int) -> str | None:
        """No channel for even samples, one of the channels in turn for odd ones."""
        return None if n % 2 == 0 else self.channels[(n // 2) % len(self.channels)]


@dataclass(frozen=True)
class Queries:
    """The project's query classes, as the API builds them on one pool."""

    members: MemberQueries
    engagement: EngagementQueries
    lifecycle: LifecycleQueries


SqlRead = Callable[[Queries, Inputs, int], int]
HttpRead = tuple[str, Callable[[Inputs, int], dict[str, Any]], Callable[[dict[str, Any]], int]]


def run(bench: Bench) -> dict[str, Any]:
    """Time each read as SQL in-process, then over HTTP; p50/p95/p99 and targets."""
    catch_up_projections(bench)
    samples = QUICK_SAMPLES if bench.quick else FULL_SAMPLES
    inputs = _inputs(bench, samples)
    sql = _sql_timings(bench, inputs, samples)
    http, peak_rss_mb = _http_timings(bench, inputs, samples)
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
            name: percentiles(_timed(name, lambda n, r=read: r(queries, inputs, n), samples))
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


# HTTP: the same reads as GraphQL documents, one client, one request at a time.


def _http_timings(
    bench: Bench, inputs: Inputs, samples: int
) -> tuple[dict[str, dict[str, float]], float]:
    """Each read's latency over HTTP against `crm serve --no-projections`; and peak RSS."""
    key = api_key(bench, "admin")
    results: dict[str, dict[str, float]] = {}
    with server(bench, projections=False) as (base_url, service):
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            for name, (document, variables, found) in HTTP_READS.items():

                def call(n: int, d: str = document, v: Any = variables, f: Any = found) -> int:
                    return f(_post(client, d, v(inputs, n)))

                results[name] = percentiles(_timed(name, call, samples))
    return results, service.peak_rss_mb


def _post(client: httpx.Client, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """POST a GraphQL document; its data, or an error carrying the response."""
    response = client.post("/graphql", json={"query": document, "variables": variables})
    body = (
        response.json()
        if response.headers.get("content-type", "").startswith("application/json")
        else None
    )
    if response.status_code != 200 or not body or body.get("errors") or not body.get("data"):
        raise RuntimeError(f"GraphQL read failed ({response.status_code}): {response.text[:2000]}")
    return dict(body["data"])


def _enum(channel: str | None) -> str | None:
    """A channel as the GraphQL enum spells it."""
    return channel.upper() if channel else None


def _edges(field: str) -> Callable[[dict[str, Any]], int]:
    """How many edges a connection field returned (0 when the field is null)."""
    return lambda data: len((data.get(field) or {}).get("edges") or [])


HTTP_READS: dict[str, HttpRead] = {
    "at_risk_members": (
        AT_RISK_DOCUMENT,
        lambda inputs, n: {"channel": _enum(inputs.channel(n))},
        _edges("atRiskMembers"),
    ),
    "top_members": (
        TOP_DOCUMENT,
        lambda inputs, n: {"channel": _enum(inputs.channel(n))},
        _edges("topMembers"),
    ),
    "member_page": (
        MEMBER_PAGE_DOCUMENT,
        lambda inputs, n: {"id": str(inputs.member(n))},
        lambda data: 1 if data.get("member") else 0,
    ),
    "members_search": (
        SEARCH_DOCUMENT,
        lambda inputs, n: {"search": inputs.search(n)},
        _edges("members"),
    ),
}


def _timed(name: str, call: Callable[[int], int], samples: int) -> list[float]:
    """Latencies in ms of call(0..samples-1) after a warm-up; fails on an empty answer."""
    for n in range(max(5, samples // 10)):
        call(samples + n)
    timings = []
    for n in range(samples):
        started = time.perf_counter()
        found = call(n)
        timings.append((time.perf_counter() - started) * 1000)
        if not found:
            raise RuntimeError(f"reads: {name} found nothing for sample {n}")
    return timings
