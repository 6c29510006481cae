"""The health reads, timed in-process (the application services) and over HTTP (GraphQL
documents and the signed-in dashboard page), each beside a one-row read of the same pool
or server."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

from application.health.reports import CommunityHealth
from application.health.spikes import ActivitySpikes
from bench.harness import Bench, api_key, open_runtime, server
from bench.measures import percentiles, ratio
from domain.health.periods import Granularity
from projections.health.reads import HealthReads
from projections.health.spike_queries import SpikeSourcesSql

MONTHS = (date(2024, 12, 1), date(2026, 12, 1))  # 24 months
WEEKS = (date(2024, 12, 2), date(2026, 11, 30))  # 104 weeks, Monday to Monday
SPIKE_SPAN = (date(2024, 12, 1), date(2026, 12, 1))  # two years of days
CHANNELS = (None, "discord", "github", "slack", "forum", "email")
AS_OF = (None, date(2026, 12, 3), date(2026, 11, 15), date(2026, 10, 1), date(2026, 6, 30))
TARGETS_MS = {
    "community_health_month": 100.0,  # p95
    "community_health_week": 100.0,
    "cohort_retention": 200.0,
    "activity_spikes": 100.0,
    "dashboard": 500.0,
}
BUDGET_SECONDS = 90.0  # a slow read stops sampling after this long (at least MIN_SAMPLES)
MIN_SAMPLES = 5
BASELINE_SQL = "SELECT member_id, first_at, last_at FROM health_members WHERE member_id = %s"

HEALTH_DOCUMENT = """
query Health($from: Date!, $to: Date!, $g: HealthGranularity!, $channel: Channel, $asOf: Date) {
  communityHealth(from: $from, to: $to, granularity: $g, channel: $channel, asOf: $asOf) {
    start end ruleVersion
    new { value change relative } active { value change relative }
    returning { value change } newlyInactive { value change } left { value change }
    total { value change } interactions { value change } oneOff { value change }
    repeat { value change } absenceFactor { value change }
    activeByStage { stage active { value change } }
    firstResponseMedianSeconds firstResponseP90Seconds
  }
}
"""
COHORT_DOCUMENT = """
query Cohorts($from: Date!, $to: Date!) {
  cohortRetention(from: $from, to: $to, granularity: MONTH) {
    start size retained { period active share }
  }
}
"""
SPIKES_DOCUMENT = """
query Spikes($from: Date!, $to: Date!, $channel: Channel, $asOf: Date) {
  activitySpikes(from: $from, to: $to, channel: $channel, asOf: $asOf) {
    day channel activity level band excess ruleVersion
    causes { kind name excess share explanation }
    annotations { id cause at }
  }
}
"""
BASELINE_DOCUMENT = "query { __typename }"


def in_process(bench: Bench, samples: int) -> dict[str, Any]:
    """Each read through the application services, beside a primary-key read of the pool."""
    runtime = open_runtime(bench)
    try:
        settings = runtime.settings
        health = CommunityHealth(HealthReads(runtime.pool), settings.health_rule())
        spikes = ActivitySpikes(
            runtime.community, SpikeSourcesSql(runtime.pool), settings.spike_rule()
        )
        ids = _member_ids(runtime.pool)

        def baseline(n: int) -> int:
            with runtime.pool.connection() as conn:
                return len(conn.execute(BASELINE_SQL, (ids[n % len(ids)],)).fetchall())

        reads: dict[str, Callable[[int], int]] = {
            "community_health_month": lambda n: len(
                health.kpis(*MONTHS, Granularity.MONTH, _channel(n), _as_of(n))
            ),
            "community_health_week": lambda n: len(
                health.kpis(*WEEKS, Granularity.WEEK, _channel(n), _as_of(n))
            ),
            "cohort_retention": lambda n: len(health.cohorts(*MONTHS, Granularity.MONTH)),
            "activity_spikes": lambda n: (
                1 + len(spikes.spikes(*SPIKE_SPAN, _channel(n) or "", as_of=_as_of(n)))
            ),
        }
        return _measured(reads, baseline, samples, "one-row primary-key read, same pool")
    finally:
        runtime.close()


def over_http(bench: Bench, samples: int) -> dict[str, Any]:
    """The same reads as GraphQL documents, and GET /dashboard signed in, over HTTP."""
    key = api_key(bench, "admin")
    with server(bench, projections=False) as (url, service):
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:

            def post(document: str, variables: dict[str, Any], field: str) -> int:
                response = client.post("/graphql", json={"query": document, "variables": variables})
                body = response.json()
                if response.status_code != 200 or body.get("errors"):
                    raise RuntimeError(f"GraphQL failed: {response.text[:2000]}")
                return 1 + len(body["data"][field] or [])

            reads: dict[str, Callable[[int], int]] = {
                "community_health_month": lambda n: post(
                    HEALTH_DOCUMENT, _health_vars(MONTHS, "MONTH", n), "communityHealth"
                ),
                "community_health_week": lambda n: post(
                    HEALTH_DOCUMENT, _health_vars(WEEKS, "WEEK", n), "communityHealth"
                ),
                "cohort_retention": lambda n: post(
                    COHORT_DOCUMENT, _span(MONTHS), "cohortRetention"
                ),
                "activity_spikes": lambda n: post(
                    SPIKES_DOCUMENT,
                    {**_span(SPIKE_SPAN), "channel": _enum(n), "asOf": _day(_as_of(n))},
                    "activitySpikes",
                ),
            }
            result = _measured(
                reads,
                lambda n: post(BASELINE_DOCUMENT, {}, "__typename") and 1,
                samples,
                "GraphQL { __typename }, same server",
            )
        result["dashboard"] = _dashboard(url, key, samples)
    result["server_peak_rss_mb"] = round(service.peak_rss_mb, 1)  # read as it stopped
    return result


def _dashboard(url: str, key: str, samples: int) -> dict[str, Any]:
    """GET /dashboard with a signed-in session (its default span), beside GET /healthz."""
    with httpx.Client(base_url=url, timeout=120, follow_redirects=False) as browser:
        signed = browser.post("/dashboard/sign-in", data={"api_key": key}, headers={"Origin": url})
        if signed.status_code != 303 or not browser.cookies:
            raise RuntimeError(f"sign-in failed ({signed.status_code}): {signed.text[:500]}")

        def page(n: int) -> int:
            response = browser.get("/dashboard")
            if response.status_code != 200 or "<table" not in response.text:
                raise RuntimeError(f"dashboard failed ({response.status_code})")
            return len(response.text)

        ours = _timed(page, samples)
        floor = _timed(lambda n: browser.get("/healthz").status_code == 200, samples)
    return _beside(ours, floor, "GET /healthz, same server", TARGETS_MS["dashboard"])


def _measured(
    reads: dict[str, Callable[[int], int]],
    baseline: Callable[[int], int],
    samples: int,
    baseline_name: str,
) -> dict[str, Any]:
    floor = _timed(baseline, samples)
    return {
        name: _beside(_timed(read, samples), floor, baseline_name, TARGETS_MS[name])
        for name, read in reads.items()
    }


def _beside(
    ours: list[float], floor: list[float], baseline_name: str, target_ms: float
) -> dict[str, Any]:
    mine, base = percentiles(ours), percentiles(floor)
    key = "p50_ms" if target_ms == TARGETS_MS["dashboard"] else "p95_ms"
    return {
        **mine,
        "baseline": {"name": baseline_name, **base},
        "ratio_p50": ratio(mine.get("p50_ms", 0.0), base.get("p50_ms", 0.0)),
        "target_ms": target_ms,
        "target_percentile": key[:3],
        "target_met": mine.get(key, float("inf")) < target_ms,
    }


def _timed(call: Callable[[int], int], samples: int) -> list[float]:
    """Latencies in ms after two warm-up calls; fewer samples when a read is very slow."""
    for n in range(2):
        call(samples + n)
    timings: list[float] = []
    began = time.perf_counter()
    for n in range(samples):
        started = time.perf_counter()
        if not call(n):
            raise RuntimeError(f"sample {n} found nothing")
        timings.append((time.perf_counter() - started) * 1000)
        if len(timings) >= MIN_SAMPLES and time.perf_counter() - began > BUDGET_SECONDS:
            break
    return timings


def _member_ids(pool: Any) -> list[Any]:
    with pool.connection() as conn:
        rows = conn.execute("SELECT member_id FROM health_members LIMIT 1000").fetchall()
    return [row[0] for row in rows]


def _channel(n: int) -> str | None:
    return CHANNELS[n % len(CHANNELS)]


def _as_of(n: int) -> date | None:
    return AS_OF[(n // len(CHANNELS)) % len(AS_OF)]


def _enum(n: int) -> str | None:
    channel = _channel(n)
    return channel.upper() if channel else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _span(span: tuple[date, date]) -> dict[str, Any]:
    return {"from": span[0].isoformat(), "to": span[1].isoformat()}


def _health_vars(span: tuple[date, date], grain: str, n: int) -> dict[str, Any]:
    return {**_span(span), "g": grain, "channel": _enum(n), "asOf": _day(_as_of(n))}
