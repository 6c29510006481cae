"""Projection rebuild of the whole log, beside the same projections fed one event at a time."""

from __future__ import annotations

import time
from typing import Any

from api.projection_wiring import build_runners
from bench.harness import Bench, crm, open_runtime
from bench.measures import ratio
from projections.positions import head_of_log

TARGET_PER_SECOND = 100_000


def run(bench: Bench) -> dict[str, Any]:
    """Per-event baseline on a sample of the log, then `crm project --rebuild all`."""
    sample = 500 if bench.quick else 20_000
    baseline = _one_event_at_a_time(bench, sample)
    # At info, its log times each projection and each step of health's finish.
    finished = crm(bench, "project", "--rebuild", "all", log_level="info")
    with bench.connect() as conn:
        head = conn.execute(
            "SELECT coalesce(max(notification_id), 0) FROM community_events"
        ).fetchone()[0]  # type: ignore[index]
    ours = head / finished.seconds
    return {
        "events_in_log": head,
        "seconds": round(finished.seconds, 2),
        "events_per_s": round(ours),
        "rebuild_peak_rss_mb": round(finished.peak_rss_mb, 1),
        "baseline_sample": sample,
        "per_event_baseline_per_s": round(baseline),
        "ratio_vs_per_event": ratio(ours, baseline),
        "target_per_s": TARGET_PER_SECOND,
        "target_met": ours >= TARGET_PER_SECOND,
    }


def _one_event_at_a_time(bench: Bench, sample: int) -> float:
    """Every projection fed the first `sample` events one page (transaction) per event."""
    runtime = open_runtime(bench)
    try:
        runners = build_runners(runtime, batch_size=1)
        sample = min(sample, head_of_log(runtime.pool))
        started = time.perf_counter()
        for runner in runners:
            runner.reset()
            for _ in range(sample):
                runner.run_page()
        return sample / (time.perf_counter() - started)
    finally:
        runtime.close()
