"""One projection following the log in a thread of its own, beside the others."""

from __future__ import annotations

import logging
import threading

import psycopg

from projections.engine import INITIAL_BACKOFF, MAX_BACKOFF, ProjectionRunner

log = logging.getLogger(__name__)


class RunnerThread(threading.Thread):
    """Catches its runner up whenever woken, or every poll_seconds in case a wake is lost.

    Runners never wait for each other's pages: a new event is applied by each projection
    as soon as that projection is free, whatever the others are doing. A page holds one of
    the worker's `slots` while it runs, so the worker never needs more pool connections
    than it has slots.
    """

    def __init__(
        self,
        runner: ProjectionRunner,
        *,
        slots: threading.Semaphore,
        stopping: threading.Event,
        poll_seconds: float,
    ) -> None:
        super().__init__(name=f"projection-{runner.name}", daemon=True)
        self.runner = runner
        self.slots = slots
        self.stopping = stopping
        self.poll_seconds = poll_seconds
        # Set by the worker's listener when new events hold this projection's topics.
        self.wake = threading.Event()
        # Failures in a row, of the projection or of the database; 0 when it last succeeded.
        self.failures = 0

    def run(self) -> None:
        """Catch up, then wait for a wake or the poll; until the worker stops."""
        while not self.stopping.is_set():
            pause = self.catch_up()
            if pause:
                # A wake during the pause is kept: the retry comes at its end, not sooner.
                self.stopping.wait(pause)
            else:
                self.wake.wait(self.poll_seconds)

    def catch_up(self) -> float:
        """Apply pages until one is not full; returns the pause before the next try (0: none).

        One failing projection must not flood the log: it is retried after a pause that
        doubles with each failure, and after the runner's max_attempts the page's poison
        events are parked (projections/engine.py). A lost database is retried the same way,
        the pool replacing the broken connections.
        """
        # Cleared before reading: a wake for events written meanwhile is never lost.
        self.wake.clear()
        try:
            while not self.stopping.is_set():
                with self.slots:
                    consumed = self.runner.run_page()
                if consumed < self.runner.batch_size:
                    break  # at the head of the log when the page was read
        except psycopg.OperationalError as error:
            pause = self._failed()
            log.warning(
                "projection %s lost the database (%s); retrying in %.1f s",
                self.runner.name,
                error,
                pause,
            )
            return pause
        except Exception:
            pause = self._failed()
            log.exception("projection %s failed; retrying in %.1f s", self.runner.name, pause)
            return pause
        self.failures = 0
        return 0.0

    def _failed(self) -> float:
        """Count a failure; the pause before the next try."""
        self.failures += 1
        return float(min(INITIAL_BACKOFF * 2**self.failures, MAX_BACKOFF))
