"""What bench/feedback.py times: each read or export of the product's pull, and its baseline."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import httpx
from psycopg_pool import ConnectionPool

from api.bootstrap import personal_data
from bench.harness import Bench, api_key, crm, open_runtime, server
from bench.measures import percentiles, ratio
from bench.read_samples import timed
from projections.feedback.filters import FeedbackFilter, FeedbackOrder
from projections.feedback.queries import FeedbackQueries

TARGETS = {
    "feedback_items_sql_p95_ms": 20.0,
    "feedback_items_http_p95_ms": 50.0,
    "response_times_year_ms": 100.0,
    "feedback_changes_1000_p95_ms": 50.0,
    "csv_rows_per_s": 50_000,
    "csv_peak_rss_mb": 300.0,
}
PAGE = 50
FEED_PAGE = 1_000
SEED = 7

# The first pages a manager or product person opens: each order, with and without filters.
VARIANTS: list[tuple[str, FeedbackOrder, Callable[[int], FeedbackFilter]]] = [
    ("newest", FeedbackOrder.NEWEST, lambda n: FeedbackFilter()),
    ("newest_open", FeedbackOrder.NEWEST, lambda n: FeedbackFilter(statuses=["open"])),
    (
        "newest_area",
        FeedbackOrder.NEWEST,
        lambda n: FeedbackFilter(product_areas=[f"area-{n % 20}"]),
    ),
    ("most_supported", FeedbackOrder.MOST_SUPPORTED, lambda n: FeedbackFilter()),
    ("voice_bugs", FeedbackOrder.VOICE, lambda n: FeedbackFilter(kinds=["bug"])),
    ("unanswered_48h", FeedbackOrder.NEWEST, lambda n: FeedbackFilter(unanswered_for_hours=48)),
]
BASELINE_PAGE = (
    "SELECT item_id, submitted_at FROM feedback_items ORDER BY submitted_at DESC, item_id DESC"
    " LIMIT %s"
)


def first_pages(bench: Bench, samples: int) -> dict[str, Any]:
    """FeedbackQueries.page, first page of 50, per variant; baseline: the bare index read."""
    runtime = open_runtime(bench)
    try:
        queries = FeedbackQueries(runtime.pool, personal_data(runtime))
        per_variant = max(10, samples // len(VARIANTS))
        found: dict[str, Any] = {}
        every: list[float] = []
        for name, order, where in VARIANTS:

            def page(n: int, o: FeedbackOrder = order, w: Any = where) -> int:
                return len(queries.page(w(n), o, PAGE, None)[0])

            timings = timed(name, page, per_variant)
            every += timings
            found[name] = percentiles(timings)
        baseline = percentiles(timed("bare", lambda n: _count(runtime.pool, PAGE + 1), samples))
    finally:
        runtime.close()
    overall = percentiles(every)
    return {
        "all_variants": overall,
        "variants": found,
        "baseline_bare_index_read": baseline,
        "ratio_p95_to_baseline": ratio(overall["p95_ms"], baseline["p95_ms"]),
        "target_met": overall["p95_ms"] < TARGETS["feedback_items_sql_p95_ms"],
    }


ITEMS_DOCUMENT = """
query Items($filter: FeedbackFilterInput, $orderBy: FeedbackOrder!) {
  feedbackItems(filter: $filter, orderBy: $orderBy, first: 50) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id kind status channel productArea priority team text submittedAt firstResponseAt
      uniqueMembers supporterCount weightedSupport voice trackerKey loopClosed loopOwed
    } }
  }
}
"""
HTTP_VARIANTS: list[tuple[str, str, Callable[[int], dict[str, Any] | None]]] = [
    ("newest", "NEWEST", lambda n: None),
    ("newest_open", "NEWEST", lambda n: {"statuses": ["OPEN"]}),
    ("newest_area", "NEWEST", lambda n: {"productAreas": [f"area-{n % 20}"]}),
    ("most_supported", "MOST_SUPPORTED", lambda n: None),
    ("voice_bugs", "VOICE", lambda n: {"kinds": ["BUG"]}),
    ("unanswered_48h", "NEWEST", lambda n: {"unansweredForHours": 48}),
]
CHANGES_DOCUMENT = """
query Changes($after: String) {
  feedbackChanges(after: $after, first: 1000) {
    endCursor hasMore
    entries { changes item { id status uniqueMembers text changedAt } }
  }
}
"""


def http_pages(bench: Bench, samples: int) -> dict[str, Any]:
    """feedbackItems first pages and feedbackChanges pages over HTTP with a product key.

    Baseline: `{ __typename }` over the same connection, what any request costs.
    """
    from projections.feedback.feed import encode_feed_cursor

    key = api_key(bench, "product")
    positions = _positions(bench, samples)
    with server(bench, projections=False) as (url, service):
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            per_variant = max(10, samples // len(HTTP_VARIANTS))
            found, every = {}, []
            for name, order, where in HTTP_VARIANTS:

                def call(n: int, o: str = order, w: Any = where) -> int:
                    data = _post(client, ITEMS_DOCUMENT, {"filter": w(n), "orderBy": o})
                    return len(data["feedbackItems"]["edges"])

                timings = timed(name, call, per_variant)
                every += timings
                found[name] = percentiles(timings)

            def changes(n: int) -> int:
                after = encode_feed_cursor(positions[n % len(positions)])
                return len(
                    _post(client, CHANGES_DOCUMENT, {"after": after})["feedbackChanges"]["entries"]
                )

            feed = percentiles(timed("feedbackChanges", changes, max(10, samples // 5)))
            floor = percentiles(
                timed("typename", lambda n: len(_post(client, "{ __typename }", {})), samples)
            )
    peak = service.peak_rss_mb  # read as the server stopped
    overall = percentiles(every)
    return {
        "feedback_items_all_variants": overall,
        "feedback_items_variants": found,
        "feedback_changes_1000": feed,
        "baseline_typename": floor,
        "server_peak_rss_mb": round(peak, 1),
        "target_met": overall["p95_ms"] < TARGETS["feedback_items_http_p95_ms"],
    }


def feed_pages(bench: Bench, samples: int) -> dict[str, Any]:
    """FeedbackQueries.changes, 1,000 a page from random positions; baseline: the bare rows."""
    positions = _positions(bench, samples)
    runtime = open_runtime(bench)
    try:
        queries = FeedbackQueries(runtime.pool, personal_data(runtime))

        def page(n: int) -> int:
            return len(queries.changes(positions[n % len(positions)], FEED_PAGE).entries)

        def bare(n: int) -> int:
            # The same changes and their items, neither cut nor grouped nor opened.
            with runtime.pool.connection() as conn:
                return len(
                    conn.execute(
                        "SELECT i.* FROM feedback_items i JOIN (SELECT DISTINCT item_id"
                        " FROM (SELECT item_id FROM feedback_history WHERE position > %s"
                        " ORDER BY position, item_id LIMIT %s) c) p USING (item_id)",
                        (positions[n % len(positions)], FEED_PAGE + 1),
                    ).fetchall()
                )

        ours = percentiles(timed("changes", page, samples))
        baseline = percentiles(timed("bare", bare, samples))
    finally:
        runtime.close()
    return {
        "changes_1000": ours,
        "baseline_bare_rows": baseline,
        "ratio_p95_to_baseline": ratio(ours["p95_ms"], baseline["p95_ms"]),
        "target_met": ours["p95_ms"] < TARGETS["feedback_changes_1000_p95_ms"],
    }


def exports(bench: Bench) -> dict[str, Any]:
    """`crm export feedback` as CSV and as NDJSON in a process of its own: rows/s, peak RSS.

    Baseline: PostgreSQL's own COPY … TO STDOUT CSV of the same rows in the same order.
    """
    with bench.connect() as conn:
        items = int(conn.execute("SELECT count(*) FROM feedback_items").fetchone()[0])  # type: ignore[index]
        started = time.perf_counter()
        copied = 0
        with conn.cursor().copy(
            "COPY (SELECT * FROM feedback_items ORDER BY submitted_at, item_id)"
            " TO STDOUT WITH (FORMAT csv, HEADER)"
        ) as copy:
            for chunk in copy:
                copied += len(chunk)
        copy_seconds = time.perf_counter() - started
    found: dict[str, Any] = {"items": items}
    for file_format in ("csv", "ndjson"):
        out = bench.workdir / f"feedback.{file_format}"
        finished = crm(bench, "export", "feedback", "--format", file_format, "--out", str(out))
        found[file_format] = {
            "seconds": round(finished.seconds, 2),
            "rows_per_s": round(items / finished.seconds),
            "peak_rss_mb": round(finished.peak_rss_mb, 1),
            "bytes": out.stat().st_size,
        }
        out.unlink()
    found["baseline_copy_csv"] = {
        "seconds": round(copy_seconds, 2),
        "rows_per_s": round(items / copy_seconds),
        "bytes": copied,
    }
    found["csv_ratio_to_copy"] = ratio(
        found["csv"]["rows_per_s"], found["baseline_copy_csv"]["rows_per_s"]
    )
    found["target_met"] = (
        found["csv"]["rows_per_s"] >= TARGETS["csv_rows_per_s"]
        and found["csv"]["peak_rss_mb"] < TARGETS["csv_peak_rss_mb"]
    )
    return found


def _positions(bench: Bench, samples: int) -> list[int]:
    """Random feed positions to read a page after (seeded)."""
    rng = random.Random(SEED)
    with bench.connect() as conn:
        row = conn.execute("SELECT min(position), max(position) FROM feedback_items").fetchone()
    low, high = row or (0, 0)
    return [
        rng.randint(low or 0, max(low or 0, (high or 0) - FEED_PAGE * 4)) for _ in range(samples)
    ]


def _count(pool: ConnectionPool, limit: int) -> int:
    with pool.connection() as conn:
        return len(conn.execute(BASELINE_PAGE, (limit,)).fetchall())


def _post(client: httpx.Client, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": document, "variables": variables})
    body = response.json() if response.status_code == 200 else None
    if not body or body.get("errors") or not body.get("data"):
        raise RuntimeError(f"GraphQL read failed ({response.status_code}): {response.text[:2000]}")
    return dict(body["data"])
