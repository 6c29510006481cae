"""The projection worker: every runner follows the log in a thread of its own, at once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import sql

from projections.engine import INITIAL_BACKOFF, MAX_BACKOFF, ProjectionRunner
from projections.positions import EVENTS_TABLE
from projections.runner_thread import RunnerThread
from projections.skips import skip_past

log = logging.getLogger(__name__)

# Pages the worker applies at once, by default: each holds a pool connection meanwhile.
DEFAULT_CONCURRENCY = 4
# New events that hold none of a projection's topics move its position at once, with the
# others' in one statement (projections/skips.py). A projection that cannot move so (it
# was behind, or in a page) catches up this much later, in one page with whatever else
# came meanwhile: its rows have nothing to show sooner.
IDLE_CATCH_UP_SECONDS = 0.1
# The listener notices a stop, and wakes deferred runners, within this, whatever the poll.
LISTEN_SLICE_SECONDS = 0.25
# The maintenance jobs say themselves when they are due; they are asked this often.
MAINTENANCE_SECONDS = 1.0
# New events whose topics the listener reads at once; past this many, every runner is woken.
TOPICS_LIMIT = 10_000

# The newest notification id, how many are new, and their topics.
NEW_TOPICS = f"""
SELECT max(notification_id), count(*), array_agg(DISTINCT topic) FROM (
    SELECT notification_id, topic FROM {EVENTS_TABLE}
    WHERE notification_id > %s ORDER BY notification_id LIMIT %s
) AS new
"""
HEAD = f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS_TABLE}"


class ProjectionWorker:
    """Keeps runners caught up: each in its own thread, woken by one listener on NOTIFY, and
    polling in case a notification is lost; at most `concurrency` pages at a time."""

    def __init__(
        self,
        database_url: str,
        runners: Sequence[ProjectionRunner],
        *,
        poll_seconds: float,
        maintenance: Callable[[], object] | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.database_url = database_url
        self.runners = list(runners)
        self.poll_seconds = poll_seconds
        # Work the system does itself beside the projections (e.g. compaction after erasures).
        self.maintenance = maintenance
        self.concurrency = max(1, concurrency)
        self.stopping = threading.Event()
        self.threads: list[RunnerThread] = []
        self._thread: threading.Thread | None = None
        # Runners to wake at a given moment, unless they applied up to the given
        # notification meanwhile: for new events of none of their topics.
        self._deferred: dict[RunnerThread, tuple[float, int]] = {}

    def start(self) -> None:
        """Run in a background thread."""
        self._thread = threading.Thread(target=self.run, name="projections", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask every runner to finish its page and stop, and wait for them."""
        self.stopping.set()
        if self._thread:
            self._thread.join(timeout)

    def run(self) -> None:
        """Follow the log until stopped: the runners in their threads, the listener in this one."""
        slots = threading.BoundedSemaphore(self.concurrency)
        self.threads = [
            RunnerThread(r, slots=slots, stopping=self.stopping, poll_seconds=self.poll_seconds)
            for r in self.runners
        ]
        helpers: list[threading.Thread] = [*self.threads]
        if self.maintenance is not None:
            helpers.append(threading.Thread(target=self._maintain, name="maintenance", daemon=True))
        for thread in helpers:
            thread.start()
        try:
            self._listen()
        finally:
            self.stopping.set()
            self._wake(self.threads)
            for thread in helpers:
                thread.join()

    def _listen(self) -> None:
        """Wake the runners on notifications, reconnecting after database failures."""
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
        # The topics are read on a connection of their own: the listener's shows `LISTEN`
        # in pg_stat_activity, where operators and the benchmarks look for it.
        with (
            psycopg.connect(self.database_url, autocommit=True) as listener,
            psycopg.connect(self.database_url, autocommit=True) as reader,
        ):
            # Its skips (projections/skips.py) are safe to lose in a crash: pages redo them.
            reader.execute("SET synchronous_commit = off")
            # Read before listening: events committed in between are read at the first
            # notification, and the wake below catches every runner up anyway.
            last = _scalar(reader, HEAD)
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(EVENTS_TABLE)))
            # Notifications were missed while nobody listened.
            self._wake(self.threads)
            while not self.stopping.is_set():
                if self._notified(listener):
                    last = self._route(reader, last)
                self._wake_deferred()

    def _notified(self, listener: psycopg.Connection[Any]) -> bool:
        """Wait for notifications until the next deferred wake or the slice; any came?"""
        timeout = LISTEN_SLICE_SECONDS
        if self._deferred:
            first = min(at for at, _ in self._deferred.values())
            timeout = max(0.0, min(timeout, first - time.monotonic()))
        if not any(True for _ in listener.notifies(timeout=timeout, stop_after=1)):
            return False
        for _ in listener.notifies(timeout=0):  # those that came meanwhile: one read for all
            pass
        return True

    def _route(self, reader: psycopg.Connection[Any], last: int) -> int:
        """Wake the runners whose topics the new events hold, move the others past them (or
        defer them); returns the new last."""
        row = reader.execute(NEW_TOPICS, (last, TOPICS_LIMIT), prepare=True).fetchone()
        if row is None or not row[1]:
            return last
        newest, count, topics = int(row[0]), int(row[1]), row[2]
        if count >= TOPICS_LIMIT:  # a backlog: every runner has work, most likely
            self._wake(self.threads)
            return _scalar(reader, HEAD)
        new = frozenset(topics or ())
        woken = [t for t in self.threads if not t.runner.projection.topics.isdisjoint(new)]
        self._wake(woken)
        idle = [t for t in self.threads if t not in woken]
        moved = skip_past(reader, [t.runner for t in idle], last, newest)
        at = time.monotonic() + IDLE_CATCH_UP_SECONDS
        for thread in idle:
            if thread.runner.name in moved:
                self._deferred.pop(thread, None)
            else:  # behind, or in a page: it catches up on its own, or when deferred
                since, _ = self._deferred.get(thread, (at, 0))
                self._deferred[thread] = (since, newest)
        return newest

    def _wake(self, threads: Sequence[RunnerThread]) -> None:
        for thread in threads:
            self._deferred.pop(thread, None)
            thread.wake.set()

    def _wake_deferred(self) -> None:
        now = time.monotonic()
        due = [thread for thread, (at, _) in self._deferred.items() if at <= now]
        # A runner woken for its own topics meanwhile read past the others' events too.
        done = [t for t in due if t.runner.position >= self._deferred[t][1]]
        for thread in done:
            del self._deferred[thread]
        self._wake([thread for thread in due if thread not in done])

    def _maintain(self) -> None:
        """Run the maintenance hook when asked; its failure is logged and retried, never fatal."""
        assert self.maintenance is not None
        while not self.stopping.is_set():
            try:
                self.maintenance()
            except psycopg.OperationalError as error:
                log.warning("projection worker maintenance lost the database (%s)", error)
            except Exception:
                log.exception("projection worker maintenance failed; retrying later")
            self.stopping.wait(MAINTENANCE_SECONDS)


def _scalar(conn: psycopg.Connection[Any], query: str) -> int:
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0
