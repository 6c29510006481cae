"""The live health projection on the seeded rollups: its throughput, and its lag at a steady rate.

Throughput: interactions recorded for members who joined through the application (the
seeded members are not in the log), then the `health` projection alone catches up over
them, timed; beside it `engagement` over the same events, in the same run. Lag: bench/lag.py's
method (a `crm worker` following the log while this process writes at a steady rate, an
observer polling positions), reporting `health` beside the floor (the write seen at the
head of the log).
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from api.projection_wiring import build_runners
from bench import lag
from bench.harness import Bench, Service, open_runtime
from bench.measures import ratio
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from domain.values import Channel

JOINED = {True: 50, False: 2_000}  # members joined through the application (quick, full)
RECORDED = {True: 2_000, False: 50_000}  # interactions the throughput is timed over
BATCH = 500
LAG_SECONDS = {True: 2.0, False: 30.0}
HEALTH = "health"


def run(bench: Bench) -> dict[str, Any]:
    """Throughput of `health` beside `engagement`, then lag at lag.EVENTS_PER_SECOND."""
    runtime = open_runtime(bench)
    try:
        members = _join(runtime, JOINED[bench.quick])
        runners = {r.name: r for r in build_runners(runtime)}
        for runner in runners.values():
            runner.catch_up()
        throughput = {
            # A live stream: each interaction happened moments before it is recorded.
            "in_order": _throughput(runtime, runners, members, RECORDED[bench.quick], 0),
            # A backfill: interactions of the last 30 days arriving in no order.
            "out_of_order_30_days": _throughput(
                runtime, runners, members, RECORDED[bench.quick] // 5, 30 * 24 * 60
            ),
        }
    finally:
        runtime.close()
    return {"throughput": throughput, "lag": _lag(bench, members)}


def _throughput(
    runtime: Any, runners: dict[str, Any], members: list[UUID], count: int, spread: int
) -> dict[str, Any]:
    """Record `count` interactions, then time `health` and `engagement` catching up alone."""
    recorded = _record(runtime, members, count, spread)
    timings: dict[str, float] = {}
    for name in (HEALTH, "engagement"):
        started = time.perf_counter()
        runners[name].catch_up()
        timings[name] = time.perf_counter() - started
    for runner in runners.values():
        runner.catch_up()
    ours, floor = recorded / timings[HEALTH], recorded / timings["engagement"]
    return {
        "interactions": recorded,
        "health_interactions_per_s": round(ours),
        "baseline": {"name": "engagement over the same events", "per_s": round(floor)},
        "ratio": ratio(ours, floor),
        "keeps_up_with_lag_rate": ours > lag.EVENTS_PER_SECOND,
    }


def _lag(bench: Bench, members: list[UUID]) -> dict[str, Any]:
    load = os.getloadavg()[0]
    worker = Service(bench, "worker", name="health-lag-worker").start()
    try:
        lag._wait_following(bench, [worker])
        writes, observer, elapsed = lag._measure(bench, [worker], members, LAG_SECONDS[bench.quick])
    finally:
        worker.stop()
    report = lag._report(bench, writes, observer, elapsed, worker.peak_rss_mb)
    health = report["save_to_visible_by_projection"][HEALTH]
    floor = report["floor_save_to_head"]
    return {
        "events_per_s": report["events_per_s"],
        "seconds": report["seconds"],
        "health_save_to_visible": health,
        "baseline": {"name": "write seen at the head of the log", **floor},
        "ratio_p50": ratio(health.get("p50_ms", 0.0), floor.get("p50_ms", 0.0)),
        "by_projection_p50_p99_ms": {
            name: [p.get("p50_ms"), p.get("p99_ms")]
            for name, p in report["save_to_visible_by_projection"].items()
        },
        "target_p50_ms": lag.TARGET_P50_MS,
        "target_p99_ms": lag.TARGET_P99_MS,
        "p50_target_met": health.get("p50_ms", float("inf")) < lag.TARGET_P50_MS,
        "p99_target_met": health.get("p99_ms", float("inf")) < lag.TARGET_P99_MS,
        "worker_peak_rss_mb": report["worker_peak_rss_mb"],
        "load_average_1m_before": round(load, 2),
    }


def _join(runtime: Any, count: int) -> list[UUID]:
    """Members joined through the application, so their interactions are accepted."""
    return [
        runtime.community.join_member(
            cmd.JoinMember(display_name=f"Live {n}", source_channel=Channel.DISCORD)
        ).member.id
        for n in range(count)
    ]


def _record(runtime: Any, members: list[UUID], count: int, spread_minutes: int) -> int:
    """`count` interactions for these members, in batches: each a moment after the one
    before (spread 0), or anywhere in the last `spread_minutes`."""
    chooser = random.Random(7)
    now = datetime.now(UTC)
    tag = f"health-tp-{time.time_ns()}"
    channels = (Channel.DISCORD, Channel.GITHUB, Channel.SLACK, Channel.FORUM)
    accepted = 0
    for first in range(0, count, BATCH):
        batch = [
            RecordInteraction(
                member_id=chooser.choice(members),
                channel=chooser.choice(channels),
                kind="message",
                occurred_at=now - timedelta(minutes=chooser.randrange(spread_minutes))
                if spread_minutes
                else now + timedelta(microseconds=first + n),
                external_id=f"{tag}-{first + n}",
            )
            for n in range(min(BATCH, count - first))
        ]
        report = runtime.community.record_interactions(batch, create_unknown_members=False)
        accepted += report.accepted
    return accepted
