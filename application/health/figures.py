"""The KPIs a period's rollup buckets give: CHAOSS's numbers from histograms, not members."""

from __future__ import annotations

from collections.abc import Mapping

# A stage's bucket in the 'stage' rollup is its rank here ("" never evaluated).
from domain.lifecycle.stages import Stage

STAGES: tuple[str, ...] = ("", *(s.value for s in Stage))


def absence_factor(histogram: Mapping[int, int]) -> int:
    """Fewest members making at least half of the interactions, from the number of members
    per interaction count (the same as domain.health.kpis.absence_factor of the counts)."""
    total = sum(count * members for count, members in histogram.items() if count > 0)
    running = taken = 0
    for count in sorted((c for c, m in histogram.items() if c > 0 and m > 0), reverse=True):
        members = histogram[count]
        # The fewest k of these members with 2 * (running + k * count) >= total.
        needed = -(-(total - 2 * running) // (2 * count))
        if needed <= members:
            return taken + max(needed, 1)
        running += members * count
        taken += members
    return 0


def at_least(histogram: Mapping[int, int], threshold: int) -> int:
    """Members in the buckets from `threshold` on."""
    return sum(members for bucket, members in histogram.items() if bucket >= threshold)


def by_stage(histogram: Mapping[int, int]) -> dict[str, int]:
    """Active members per stage name, from the 'stage' buckets."""
    return {
        STAGES[bucket] if 0 <= bucket < len(STAGES) else "": members
        for bucket, members in histogram.items()
        if members
    }
