"""What bench/feedback.py times of `responseTimes`: the histogram, the exact sort, floors."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any

from bench.feedback_reads import TARGETS
from bench.feedback_seed import END
from bench.harness import Bench, open_runtime
from bench.measures import percentiles, ratio
from bench.read_samples import timed
from projections.feedback.reports import FeedbackReports, ResponseGroup, ResponseReport

RESPONSE_BASELINE = (
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_at - submitted_at)"
    " FROM feedback_items WHERE submitted_at >= %s AND submitted_at < %s"
)

# The floor of the histogram's answer: reading its rows for the year, summed at once.
HISTOGRAM_BASELINE = (
    "SELECT sum(items) FROM feedback_response_histogram WHERE week >= %s AND week < %s"
)


def reports(bench: Bench, samples: int) -> dict[str, Any]:
    """FeedbackReports.response_times over the last year, per grouping, from the histogram.

    Beside it in the same run: the exact computation (a sort of every wait, as before the
    histogram) for the worst grouping, how far the histogram's percentiles are from it, and
    one bare median.
    """
    runtime = open_runtime(bench)
    year = (END - timedelta(days=365), END)
    targets = runtime.settings.response_targets()
    try:
        report = FeedbackReports(runtime.pool)
        exact = FeedbackReports(runtime.pool, exact_below=sys.maxsize)
        count = max(5, samples // 10)
        found = {}
        errors = {}
        for group in ResponseGroup:

            def run(n: int, g: ResponseGroup = group) -> int:
                answer = report.response_times(*year, g, targets, END)
                return len(answer.groups) + 1

            found[group.value] = percentiles(timed(group.value, run, count))
            errors[group.value] = _worst_error(
                report.response_times(*year, group, targets, END),
                exact.response_times(*year, group, targets, END),
            )

        def exact_weeks(n: int) -> int:
            answer = exact.response_times(*year, ResponseGroup.WEEK, targets, END)
            return len(answer.groups) + 1

        before = percentiles(timed("exact week", exact_weeks, 5))

        def bare(n: int) -> int:
            with runtime.pool.connection() as conn:
                return 1 if conn.execute(RESPONSE_BASELINE, year).fetchone() else 0

        baseline = percentiles(timed("median", bare, count))

        def scan(n: int) -> int:
            with runtime.pool.connection() as conn:
                return 1 if conn.execute(HISTOGRAM_BASELINE, weeks).fetchone() else 0

        weeks = (year[0].date(), year[1].date())
        floor = percentiles(timed("histogram rows", scan, count))
    finally:
        runtime.close()
    worst = max(found[g]["p95_ms"] for g in found)
    return {
        "groupings": found,
        "exact_week_same_run": before,
        "percentile_error_vs_exact": errors,
        "baseline_one_median": baseline,
        "baseline_histogram_rows_summed": floor,
        "ratio_worst_p95_to_baseline": ratio(worst, baseline["p95_ms"]),
        "target_met": worst < TARGETS["response_times_year_ms"],
    }


def _worst_error(estimated: ResponseReport, exact: ResponseReport) -> dict[str, Any]:
    """Whether every count is equal, and the largest relative error of a median or p90."""
    everything = ([*estimated.groups, estimated.overall], [*exact.groups, exact.overall])
    pairs = list(zip(*everything, strict=False))
    counts = len(estimated.groups) == len(exact.groups) and all(
        (a.key, a.answered, a.unanswered, a.over_target)
        == (b.key, b.answered, b.unanswered, b.over_target)
        for a, b in pairs
    )
    worst = max(
        (
            abs(x.total_seconds() - y.total_seconds()) / y.total_seconds()
            for a, b in pairs
            for x, y in ((a.median, b.median), (a.p90, b.p90))
            if x is not None and y is not None and y.total_seconds() > 0
        ),
        default=0.0,
    )
    return {"counts_equal": counts, "worst_relative_error": round(worst, 5)}
