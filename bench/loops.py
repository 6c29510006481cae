"""Timed loops of the command benchmarks: call an operation for a while, count what failed."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.measures import percentiles

ERRORS_KEPT = 5


@dataclass
class Loop:
    """What a timed loop did: latencies of successes, failures, and its wall time."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def failed(self, message: str) -> None:
        """Count a failure, keeping the first few messages."""
        self.errors += 1
        if len(self.error_samples) < ERRORS_KEPT:
            self.error_samples.append(message[:500])

    def merge(self, other: Loop) -> None:
        """Add another client's results to these."""
        self.latencies_ms += other.latencies_ms
        self.errors += other.errors
        self.error_samples += other.error_samples[: ERRORS_KEPT - len(self.error_samples)]

    @property
    def count(self) -> int:
        """Successful operations."""
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        """Successful operations per second of wall time."""
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def summary(self, unit: str) -> dict[str, Any]:
        """Rate, latency percentiles and failures, as reported."""
        return {
            f"{unit}_per_s": round(self.rate, 1),
            "count": len(self.latencies_ms),
            "errors": self.errors,
            "error_samples": self.error_samples,
            "seconds": round(self.seconds, 2),
            **percentiles(self.latencies_ms),
        }


def timed_loop(operation: Callable[[int], str | None], seconds: float) -> Loop:
    """Call operation(0), operation(1)... for `seconds`; a returned string is a failure."""
    loop = Loop()
    started = time.perf_counter()
    deadline = started + seconds
    for n in itertools.count():
        before = time.perf_counter()
        if before >= deadline:
            break
        try:
            failure = operation(n)
        except Exception as error:  # noqa: BLE001  # every failure is counted and reported
            failure = f"{type(error).__name__}: {error}"
        if failure is None:
            loop.latencies_ms.append((time.perf_counter() - before) * 1000)
        else:
            loop.failed(failure)
    loop.seconds = time.perf_counter() - started
    return loop
