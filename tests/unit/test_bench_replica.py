"""The replica simulation's arithmetic: how far the replica trails, and who falls back."""

from __future__ import annotations

import pytest

from bench.lag_observer import Track, Write
from bench.replica import report


def track(seen: list[tuple[float, int]]) -> Track:
    """A track that saw these (time, position) levels."""
    found = Track()
    for at, position in seen:
        found.see(at, position)
    return found


def test_a_read_falls_back_while_the_replica_has_not_reached_the_write() -> None:
    # Two writes answered at t=1.000 and t=2.000 (positions 10 and 20). The primary's
    # projection shows them 5 ms after each answer; the replica 30 ms and 300 ms after.
    writes = [Write(0.990, 1.000, 10, 1), Write(1.990, 2.000, 20, 1)]
    primary = track([(1.005, 10), (2.005, 20)])
    replica = track([(1.030, 10), (2.300, 20)])
    found = report(writes, primary, replica)
    assert found["replica_behind_primary"]["mean_ms"] == pytest.approx(160.0)  # 25 and 295
    assert found["replica_behind_primary"]["samples"] == 2
    shares = found["share_of_reads_falling_back_to_primary"]
    assert shares == {"0ms": 1.0, "10ms": 1.0, "25ms": 1.0, "50ms": 0.5, "100ms": 0.5, "250ms": 0.5}
    assert found["share_of_reads_before_the_primary_has_it"]["10ms"] == 0.0
    assert found["events"] == 2


def test_a_write_never_seen_on_the_replica_is_an_error() -> None:
    writes = [Write(0.990, 1.000, 10, 1)]
    with pytest.raises(RuntimeError, match="never seen"):
        report(writes, track([(1.005, 10)]), track([(1.005, 9)]))
