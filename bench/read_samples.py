"""What the read benchmarks sample, and how one read is timed over its samples."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID


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


def timed(name: str, call: Callable[[int], int], samples: int) -> list[float]:
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
