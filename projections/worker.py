"""The projection worker: keeps every runner caught up with the log, in turns."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

import psycopg
from psycopg import sql

from projections.engine import INITIAL_BACKOFF, MAX_BACKOFF, ProjectionRunner
from projections.positions import EVENTS_TABLE

log = logging.getLogger(__name__)

# Pages a runner applies before the next runner's turn, in the worker's loop.
PAGES_PER_TURN = 2


class ProjectionWorker:
    """Keeps runners caught up: wakes on NOTIFY, and polls in case a notification is lost."""

    def __init__(
        self,
        database_url: str,
        runners: Sequence[ProjectionRunner],
        *,
        poll_seconds: float,
        maintenance: Callable[[], object] | None = None,
    ) -> None:
        self.database_url = database_url
        self.runners = list(runners)
        self.poll_seconds = poll_seconds
        # Work the system does itself between turns (e.g. compaction after erasures).
        self.maintenance = maintenance
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures: dict[str, int] = {}
        self._retry_at: dict[str, float] = {}

    def start(self) -> None:
        """Run in a background thread."""
        self._thread = threading.Thread(target=self.run, name="projections", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to finish its page and stop."""
        self.stopping.set()
        if self._thread:
            self._thread.join(timeout)

    def run(self) -> None:
        """Follow the log until stopped, reconnecting after database failures."""
        backoff = INITIAL_BACKOFF
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                self._follow()
            except psycopg.Error as error:
                log.warning("projection worker lost the database (%s); retrying", error)
            # A connection that held for a while earns a fresh, short backoff.
            if time.monotonic() - started > MAX_BACKOFF:
                backoff = INITIAL_BACKOFF
            self.stopping.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    def _follow(self) -> None:
        with psycopg.connect(self.database_url, autocommit=True) as listener:
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(EVENTS_TABLE)))
            while not self.stopping.is_set():
                busy = [self._catch_up(runner) for runner in self.runners]
                self._maintain()
                if any(busy):
                    continue  # a runner stopped at its turn's limit: more is waiting
                # Wake on the first notification, or after poll_seconds regardless.
                for _ in listener.notifies(timeout=self.poll_seconds, stop_after=1):
                    pass

    def _maintain(self) -> None:
        """Run the maintenance hook; its failure is logged and retried, never fatal."""
        if self.maintenance is None:
            return
        try:
            self.maintenance()
        except psycopg.OperationalError:
            raise
        except Exception:
            log.exception("projection worker maintenance failed; retrying later")

    def _catch_up(self, runner: ProjectionRunner) -> bool:
        """One turn of a runner; True when it stopped at the turn's limit of pages."""
        # One failing projection must not hold the others back, nor flood the log: it is
        # retried after a pause that doubles with each failure, and after the runner's
        # max_attempts the page's poison events are parked. A lost database ends the loop,
        # to reconnect.
        if time.monotonic() < self._retry_at.get(runner.name, 0.0):
            return False
        try:
            # Runners take turns: under a steady stream of writes, a slow projection that
            # always finds a new page would otherwise keep the others waiting.
            consumed = runner.catch_up(max_pages=PAGES_PER_TURN)
        except psycopg.OperationalError:
            raise
        except Exception:
            failures = self._failures.get(runner.name, 0) + 1
            self._failures[runner.name] = failures
            pause = min(INITIAL_BACKOFF * 2**failures, MAX_BACKOFF)
            self._retry_at[runner.name] = time.monotonic() + pause
            log.exception("projection %s failed; retrying in %.0f s", runner.name, pause)
            return False
        self._failures.pop(runner.name, None)
        self._retry_at.pop(runner.name, None)
        return consumed >= PAGES_PER_TURN * runner.batch_size
