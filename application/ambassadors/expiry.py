"""The expiry of unrenewed terms as a scheduled job: the projection worker runs it when due."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from application.ambassadors.program import ProgramDesk
from application.clock import utc_now

# Terms are counted in days: an hourly check ends each one within the hour
# (CRM_AMBASSADOR_EXPIRY_SECONDS).
DEFAULT_INTERVAL = 3600.0


class ExpirySchedule:
    """ProgramDesk.expire_due at most every `interval_seconds` (monotonic time)."""

    def __init__(
        self,
        desk: ProgramDesk,
        interval_seconds: float = DEFAULT_INTERVAL,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.desk = desk
        self.interval_seconds = interval_seconds
        self.clock = clock
        self._next = 0.0

    def run_if_due(self) -> int | None:
        """Expire the terms that ended, if the interval has passed; None when not due."""
        now = time.monotonic()
        if now < self._next:
            return None
        # Due again after the interval even if this run fails: a failure is not retried hot.
        self._next = now + self.interval_seconds
        return self.desk.expire_due(self.clock())
