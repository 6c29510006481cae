"""When a failed delivery is tried again, and when it is given up.

Exponential backoff with jitter (each pause drawn between half and all of the doubled
delay), so that many deliveries failing together do not all come back at once; retried
for a day from the first attempt, then `failed` with the last error.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """The first pause, the longest pause, and how long a delivery is retried in all."""

    first: timedelta = timedelta(seconds=10)
    longest: timedelta = timedelta(hours=1)
    give_up_after: timedelta = timedelta(hours=24)

    def pause(self, attempts: int, draw: float | None = None) -> timedelta:
        """How long to wait after `attempts` failed attempts (1 or more); `draw` in [0, 1)."""
        doubled: timedelta = self.first * (2 ** min(attempts - 1, 40))
        ceiling: timedelta = min(doubled, self.longest)
        share = random.random() if draw is None else draw
        return ceiling * (0.5 + share / 2)

    def next_attempt(
        self, *, attempts: int, first_attempt_at: datetime, now: datetime
    ) -> datetime | None:
        """When to try again after `attempts` failures, or None: give up (`failed`)."""
        at = now + self.pause(attempts)
        if at - first_attempt_at > self.give_up_after:
            return None
        return at
