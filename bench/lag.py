"""Live lag: how soon a saved interaction is visible in `engagement`, beside the floor.

A `crm worker` follows the log while this process records interactions for existing
members at a steady rate. A thread with its own connection polls every projection's
position and the head of the log; each write's save-to-visible latency runs from the
moment its commit returned to the first poll that saw `engagement` reach it (the other
projections are reported beside it). The baseline is the floor no projection can beat:
the same observer seeing the write at the head of the log itself.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from application.settings import Settings
from bench.harness import Bench, Service, open_runtime
from bench.lag_observer import HEAD, Observer, Track, Write
from bench.measures import percentiles, ratio
from domain.interactions.commands import RecordInteraction
from domain.interactions.interaction import InteractionKind
from domain.values import Channel
from projections.registry import projection_names

EVENTS_PER_SECOND = 1_000
QUICK_SECONDS = 2.0
FULL_SECONDS = 30.0
# One small batch per tick; a late tick writes what the schedule owes, up to MAX_BATCH.
TICK_SECONDS = 0.005
MAX_BATCH = 200
# The projection the split measure gives a worker process of its own.
SPLIT = "engagement"
TARGET_P50_MS = 10.0
TARGET_P99_MS = 100.0
TARGET_PEAK_RSS_MB = 300.0
# Unmeasured writes first, so the writer's caches and prepared statements are warm.
WARM_UP_SECONDS = 0.5
CATCH_UP_TIMEOUT = 600.0
SETTLE_TIMEOUT = 60.0
# The observer must get the GIL back soon after its poll returns, or the writer's
# Python work (default 5 ms slices) would show up as lag.
SWITCH_INTERVAL = 0.0002
MEMBER_SAMPLE = 10_000


def run(bench: Bench, *, split: bool = False) -> dict[str, Any]:
    """Follow a steady write rate with `crm worker`; latency to `engagement` vs the floor.

    With `split`, `engagement` has a worker process of its own (`crm worker --only
    engagement`) beside one running the rest (`--skip engagement`), as README's
    production serving allows.
    """
    seconds = QUICK_SECONDS if bench.quick else FULL_SECONDS
    # Other work on the machine shows up as lag: say how busy it was before we began.
    load = os.getloadavg()[0]
    commands = (
        [("worker", "--only", SPLIT), ("worker", "--skip", SPLIT)] if split else [("worker",)]
    )
    workers = [Service(bench, *args, name=f"lag-worker-{n}") for n, args in enumerate(commands)]
    try:
        for worker in workers:
            worker.start()
        _wait_following(bench, workers)
        members = _member_ids(bench)
        writes, observer, elapsed = _measure(bench, workers, members, seconds)
    finally:
        for worker in workers:
            worker.stop()
    peak = max(worker.peak_rss_mb for worker in workers)
    result = _report(bench, writes, observer, elapsed, peak)
    return {
        **result,
        "worker_processes": [" ".join(args) for args in commands],
        "load_average_1m_before": round(load, 2),
        "cpus": os.cpu_count(),
    }


def _wait_following(bench: Bench, workers: list[Service]) -> None:
    """Block until the workers listen for new events and every projection is at the head.

    Positions alone say nothing here: the log was caught up before the worker started.
    """
    names = projection_names()
    deadline = time.monotonic() + CATCH_UP_TIMEOUT
    with bench.connect() as conn:
        while True:
            for worker in workers:
                worker.check_alive()
            listening = conn.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query ILIKE 'LISTEN%community_events%'"
            ).fetchone()[0]  # type: ignore[index]
            head = conn.execute(
                "SELECT coalesce(max(notification_id), 0) FROM community_events"
            ).fetchone()[0]  # type: ignore[index]
            positions = dict(
                conn.execute(
                    "SELECT name, position FROM projection_positions WHERE name = ANY(%s)",
                    (names,),
                ).fetchall()
            )
            if listening >= len(workers) and all(positions.get(n) == head for n in names):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"worker not following (listening: {listening}, head {head}: {positions}):\n"
                    + _logs(workers)
                )
            time.sleep(0.1)


def _member_ids(bench: Bench) -> list[UUID]:
    """A sample of active members to record interactions for (erased ones would refuse)."""
    with bench.connect() as conn:
        rows = conn.execute(
            "SELECT member_id FROM members WHERE status = 'active' ORDER BY member_id LIMIT %s",
            (MEMBER_SAMPLE,),
        ).fetchall()
    if not rows:
        raise RuntimeError("no members to record interactions for")
    return [row[0] for row in rows]


def _measure(
    bench: Bench, workers: list[Service], members: list[UUID], seconds: float
) -> tuple[list[Write], Observer, float]:
    """Write at the steady rate with the observer running; wait until all is visible."""
    observer = Observer(bench)
    writes, elapsed = _observed_writes(bench, workers, members, seconds, [observer])
    return writes, observer, elapsed


def _observed_writes(
    bench: Bench,
    workers: list[Service],
    members: list[UUID],
    seconds: float,
    observers: list[Observer],
) -> tuple[list[Write], float]:
    """Write at the steady rate with these observers running; wait until each sees it all."""
    runtime = open_runtime(bench)
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        for observer in observers:
            observer.start()
        warm_up, _ = _write_steadily(runtime, members, WARM_UP_SECONDS)
        for observer in observers:
            _settle(observer, workers, warm_up)
        writes, elapsed = _write_steadily(runtime, members, seconds)
        for observer in observers:
            _settle(observer, workers, writes)
    finally:
        for observer in observers:
            observer.stop()
        sys.setswitchinterval(switch_interval)
        runtime.close()
    return writes, elapsed


def _settle(observer: Observer, workers: list[Service], writes: list[Write]) -> None:
    """Wait until every projection was seen past these writes; fail if it never is."""
    last = max(w.position for w in writes)
    reached = observer.wait_for(last, SETTLE_TIMEOUT)
    for worker in workers:
        worker.check_alive()
    if not reached:
        seen = {name: track.last for name, track in observer.tracks.items()}
        raise RuntimeError(f"projections never reached {last} (seen {seen}):\n" + _logs(workers))


def _logs(workers: list[Service]) -> str:
    """The end of each worker's log, for an error message."""
    return "\n".join(worker.log.read_text()[-4000:] for worker in workers)


def _write_steadily(runtime: Any, members: list[UUID], seconds: float) -> tuple[list[Write], float]:
    """Record what the schedule owes every tick for `seconds`; returns writes and time taken."""
    chooser = random.Random(42)
    tag = f"lag-{time.time_ns()}"  # external ids never seen before
    writes: list[Write] = []
    written = 0
    started = time.perf_counter()
    next_tick = started
    while (now := time.perf_counter()) - started < seconds:
        if now < next_tick:
            time.sleep(next_tick - now)
            continue
        due = min(round((now - started) * EVENTS_PER_SECOND) - written, MAX_BATCH)
        if due > 0:
            batch = [_record(chooser.choice(members), f"{tag}-{written + n}") for n in range(due)]
            writes.append(_write(runtime, batch))
            written += due
        next_tick += TICK_SECONDS
    return writes, time.perf_counter() - started


def _record(member_id: UUID, external_id: str) -> RecordInteraction:
    """A new message by this member, happening now."""
    return RecordInteraction(
        member_id=member_id,
        channel=Channel.DISCORD,
        kind=InteractionKind.MESSAGE,
        occurred_at=datetime.now(UTC),
        external_id=external_id,
    )


def _write(runtime: Any, batch: list[RecordInteraction]) -> Write:
    """Record one batch, timed; any record not accepted is a functional failure."""
    started = time.perf_counter()
    report = runtime.community.record_interactions(batch, create_unknown_members=False)
    returned = time.perf_counter()
    if report.accepted != len(batch) or report.position is None:
        raise RuntimeError(f"batch not fully accepted: {report.rejections[:3]}")
    return Write(started, returned, report.position, len(batch))


def _report(
    bench: Bench, writes: list[Write], observer: Observer, elapsed: float, peak_rss_mb: float
) -> dict[str, Any]:
    """Latency percentiles beside the floor, the achieved rate, and the targets."""
    lag, call_to_visible = _latencies(writes, observer.projection)
    floor, _ = _latencies(writes, observer.tracks[HEAD])
    head = observer.tracks[HEAD]
    early = sum(1 for w in writes if (head.first_reached(w.position) or 0) < w.returned)
    events = sum(w.records for w in writes)
    ours = percentiles(lag)
    baseline = percentiles(floor)
    return {
        "seconds": round(elapsed, 2),
        "target_events_per_s": EVENTS_PER_SECOND,
        "events": events,
        "events_per_s": round(events / elapsed),
        "batches": len(writes),
        "largest_batch": max(w.records for w in writes),
        "write_call": percentiles([(w.returned - w.started) * 1000 for w in writes]),
        "save_to_visible": ours,
        "call_to_visible": percentiles(call_to_visible),
        "floor_save_to_head": baseline,
        "save_to_visible_by_projection": {
            name: percentiles(_latencies(writes, observer.tracks[name])[0])
            for name in projection_names()
        },
        "floor_seen_before_return": early,
        "ratio_vs_floor_p50": ratio(ours.get("p50_ms", 0.0), baseline.get("p50_ms", 0.0)),
        "observer_polls_per_s": round(observer.polls / elapsed),
        "worker": _worker_settings(bench),
        "worker_peak_rss_mb": round(peak_rss_mb, 1),
        "target_p50_ms": TARGET_P50_MS,
        "target_p99_ms": TARGET_P99_MS,
        "target_peak_rss_mb": TARGET_PEAK_RSS_MB,
        "p50_target_met": ours.get("p50_ms", float("inf")) < TARGET_P50_MS,
        "p99_target_met": ours.get("p99_ms", float("inf")) < TARGET_P99_MS,
        "rss_target_met": 0 < peak_rss_mb < TARGET_PEAK_RSS_MB,
    }


def _latencies(writes: list[Write], track: Track) -> tuple[list[float], list[float]]:
    """Per write, ms from its return (clamped at 0) and from its call to first being seen."""
    from_return: list[float] = []
    from_call: list[float] = []
    for write in writes:
        seen = track.first_reached(write.position)
        if seen is None:
            raise RuntimeError(f"notification {write.position} was never seen")
        from_return.append(max(0.0, seen - write.returned) * 1000)
        from_call.append((seen - write.started) * 1000)
    return from_return, from_call


def _worker_settings(bench: Bench) -> dict[str, Any]:
    """The worker's follow settings: its environment's value, else the default."""
    env = bench.env
    return {
        name: env.get(f"CRM_{name.upper()}", Settings.model_fields[name].default)
        for name in ("projection_poll_seconds", "projection_batch_size")
    }
