"""The projection engine: pages of the log applied exactly once, poison events parked."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import Mapper
from psycopg_pool import ConnectionPool

from projections.isolation import NOT_POISON, apply_isolating, apply_parked
from projections.live import move_position
from projections.metrics import PROJECTION_PAGE_SECONDS
from projections.page_reads import SELECT_PAGE, SELECT_REPLAY_PAGE, decode_rows
from projections.parking import describe, park
from projections.plain_events import LogSpan
from projections.positions import Position, PositionWatcher, lock_position
from projections.projection import Projection
from projections.replay import restore_indexes, rewind
from projections.statistics import StatisticsKeeper

log = logging.getLogger(__name__)

INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 30.0
# Failures in a row of one page before its poison events are looked for and parked.
DEFAULT_MAX_ATTEMPTS = 3
# Room to sort and hash in for each page of a rebuild.
REPLAY_WORK_MEM = "64MB"


class ProjectionRunner:
    """Feeds one projection from the log, one page per transaction.

    The page's rows and the new position commit together, and the position row is locked
    for the transaction: a crash anywhere loses or doubles nothing, and two runners of the
    same projection (server and worker) take turns instead of applying a page twice.
    A page that keeps failing has its poison events parked, and the runner goes on.
    """

    def __init__(
        self,
        pool: ConnectionPool,
        mapper: Mapper[Any],
        projection: Projection,
        *,
        batch_size: int = 500,
        watcher: PositionWatcher | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        retry_pause: float = INITIAL_BACKOFF,
    ) -> None:
        self.pool = pool
        self.mapper = mapper
        self.projection = projection
        self.batch_size = batch_size
        self.watcher = watcher
        self.max_attempts = max_attempts
        self.retry_pause = retry_pause
        # Failures in a row of the page starting at _failed_at (see run_page).
        self._page_start: int | None = None
        self._failed_at: int | None = None
        self._failures = 0
        # The furthest position this runner has applied (others may have gone further).
        self.position = 0
        # Live pages keep the planner's statistics of growing tables (a rebuild analyzes
        # its tables at its end).
        self.statistics = StatisticsKeeper(projection.tables)
        self._replaying = False

    @property
    def name(self) -> str:
        """The projection's name."""
        return self.projection.name

    def run_page(self, batch_size: int | None = None, *, keep_statistics: bool = True) -> int:
        """Apply the next page of the log; returns how many notifications it consumed.

        With `keep_statistics`, a live page may then ANALYZE tables that grew (see
        projections/statistics.py): not for a request waiting on its own write.

        A page that fails `max_attempts` times in a row is applied again in parts, and the
        events that still fail alone are parked (see projections/parking.py): one poison
        event never stops a projection. A lost database, a wrong schema and a changed rule
        are not poison (see NOT_POISON): they are raised, and nothing is parked for them.
        """
        limit = batch_size or self.batch_size
        self._page_start = None
        started = time.perf_counter()
        try:
            consumed, new_position = self._apply_page(limit)
            if consumed:
                elapsed = time.perf_counter() - started
                PROJECTION_PAGE_SECONDS.labels(self.name).observe(elapsed)
        except NOT_POISON:
            raise
        except Exception as error:
            if self._count_failure() < self.max_attempts:
                raise
            consumed, new_position = self._isolate_page(limit, error)
        self._failed_at, self._failures = None, 0
        if new_position is not None:
            self.position = max(self.position, new_position)
        if self.watcher and new_position is not None:
            self.watcher.advanced(self.name, new_position)
        if consumed and keep_statistics and not self._replaying:  # may take a second
            self.statistics.refresh_if_stale(self.pool)
        return consumed

    def run_page_retrying(self, batch_size: int | None = None) -> int:
        """Apply the next page, retrying a failing one after a pause until it is isolated.

        For rebuilds, which must never stop on one event; raises only what cannot be
        parked (NOT_POISON, or a failure that no event explains).
        """
        pause = self.retry_pause
        for attempt in itertools.count(1):
            try:
                return self.run_page(batch_size)
            except NOT_POISON:
                raise
            except Exception:
                if attempt >= self.max_attempts:
                    raise  # isolating the page did not help: no event explains the failure
                log.warning("projection %s failed; retrying in %.1f s", self.name, pause)
                time.sleep(pause)
                pause = min(pause * 2, MAX_BACKOFF)
        raise AssertionError("unreachable")

    def _apply_page(self, limit: int) -> tuple[int, int | None]:
        """One page in one transaction: (notifications consumed, new position or None)."""
        with self.pool.connection() as conn, conn.transaction():
            # Safe here: the position commits with the rows, so a lost commit is re-applied.
            conn.execute("SET LOCAL synchronous_commit = off")
            stands = lock_position(conn, self.name, self.projection.rule_version)
            self._page_start = stands.position
            self._replaying = stands.replay is not None
            if stands.replay is not None:
                # A rebuild's page of 20,000 events with their states outgrows the default
                # 4MB and goes to temporary files; a rebuild runs a process per core.
                conn.execute(f"SET LOCAL work_mem = '{REPLAY_WORK_MEM}'")
            rows, last, consumed, span = self._read_page(conn, stands, limit)
            if stands.replay is not None:
                self._replay_page(
                    conn, rows, span, finished=consumed < limit, stripped=stands.replay
                )
            elif not consumed:
                return 0, None
            else:
                with conn.cursor() as cursor:
                    self.projection.apply(cursor, self._decode(rows))
            new_position = last or stands.position
            move_position(conn, self.name, new_position, announce=self.projection.announced)
        return int(consumed), new_position

    def _read_page(
        self, conn: psycopg.Connection[Any], stands: Position, limit: int
    ) -> tuple[list[tuple[Any, ...]], int | None, int, LogSpan | None]:
        """(rows to decode, last notification, notifications, span of plain events or None).

        A rebuild of a projection with plain topics decodes only the others: it reads the
        plain ones in the span, in SQL (projections/plain_events.py).
        """
        position, topics = stands.position, sorted(self.projection.topics)
        plain_topics = sorted(self.projection.plain_topics) if stands.replay is not None else []
        if not plain_topics:
            *rows, (last, _, consumed, _, _) = conn.execute(
                SELECT_PAGE, (position, limit, topics)
            ).fetchall()
            return rows, last, int(consumed), None
        parameters = LogSpan(position, position).parameters(
            plain_topics, sealed_too=self.projection.plain_sealed_too
        )
        *rows, (last, _, consumed, _, _) = conn.execute(
            SELECT_REPLAY_PAGE, {**parameters, "limit": limit, "topics": topics}
        ).fetchall()
        return rows, last, int(consumed), LogSpan(position, last) if consumed else None

    def _count_failure(self) -> int:
        """Count a failure of the page that starts where this one did; returns the count."""
        if self._page_start is None:
            return 0  # failed before reading a page: nothing to isolate
        if self._failed_at != self._page_start:
            self._failed_at, self._failures = self._page_start, 0
        self._failures += 1
        return self._failures

    def _isolate_page(self, limit: int, error: Exception) -> tuple[int, int]:
        """Apply the page in parts, parking the events that fail alone, and move past it.

        A rebuild's last page is finished by the next call, from an empty page: a failure
        of the finishing step is no event's fault, and is raised, never parked.
        """
        self._failures += 1
        with self.pool.connection() as conn, conn.transaction():
            stands = lock_position(conn, self.name, self.projection.rule_version)
            topics = sorted(self.projection.topics)
            *rows, (last, _, consumed, _, _) = conn.execute(
                SELECT_PAGE, (stands.position, limit, topics)
            ).fetchall()
            if not rows:
                raise error
            apply = self.projection.apply if stands.replay is None else self.projection.apply_replay
            for row, failure in apply_isolating(conn, apply, self._decode, rows):
                log.error(
                    "projection %s parked notification %s (%s): %s",
                    self.name,
                    row[0],
                    row[3],
                    describe(failure),
                )
                park(conn, self.name, row, failure, self._failures)
            move_position(conn, self.name, last, announce=self.projection.announced)
        return int(consumed), int(last)

    def _replay_page(
        self,
        conn: psycopg.Connection[Any],
        rows: Sequence[tuple[Any, ...]],
        span: LogSpan | None,
        *,
        finished: bool,
        stripped: dict[str, Any],
    ) -> None:
        """A page of a rebuild; at the head of the log, the stripped tables are restored.

        With a span, the projection reads the span's plain events itself (rows hold the
        others): see projections/plain_events.py.
        """
        with conn.cursor() as cursor:
            if span is not None:
                self.projection.apply_replay_span(cursor, self._decode(rows), span)
            elif rows:
                self.projection.apply_replay(cursor, self._decode(rows))
            if finished:
                # Sorting for index builds and totals is far faster with room to work.
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                cursor.execute("SET LOCAL work_mem = '128MB'")
                restore_indexes(cursor, stripped)
                self.projection.finish_replay(cursor)
                cursor.execute(
                    "UPDATE projection_positions SET replay = NULL WHERE name = %s", (self.name,)
                )

    def catch_up(
        self, batch_size: int | None = None, max_pages: int | None = None, *, retrying: bool = False
    ) -> int:
        """Apply pages until the end of the log (or max_pages); returns notifications consumed.

        With `retrying`, a failing page is retried at once (after a pause) until its
        poison events are parked, as a rebuild needs; else the failure is raised.
        """
        run_page = self.run_page_retrying if retrying else self.run_page
        total = pages = 0
        while (max_pages is None or pages < max_pages) and (consumed := run_page(batch_size)):
            total += consumed
            pages += 1
        return total

    def catch_up_to(self, position: int) -> int:
        """Apply pages until the projection includes `position`; returns notifications consumed.

        For a writer's read-your-writes without waiting for the worker's turn: when another
        runner of this projection got there first, this costs one read of an empty page.
        """
        total = 0
        while self.position < position and (consumed := self.run_page(keep_statistics=False)):
            total += consumed
        return total

    def retry_parked(self) -> tuple[int, int]:
        """Apply the parked events again, in log order; returns (applied, still parked).

        An event applied late lands on today's state, not where it stood in the log (a
        rebuild is the exact alternative). Those that fail again stay parked.
        """
        with self.pool.connection() as conn, conn.transaction():
            stands = lock_position(conn, self.name, self.projection.rule_version)
            apply = self.projection.apply if stands.replay is None else self.projection.apply_replay
            return apply_parked(conn, self.name, apply, self._decode)

    def reset(self, *, replay: bool = False) -> None:
        """Empty the projection's tables and rewind it to the start of the log.

        With `replay`, its replay tables lose their indexes and keys until the rebuild
        reaches the head of the log: for rebuilds of a large log, not for live use.
        """
        with self.pool.connection() as conn, conn.transaction():
            rewind(conn, self.projection, replay=replay)

    def _decode(self, rows: Sequence[tuple[Any, ...]]) -> list[Any]:
        return decode_rows(self.mapper, rows)
