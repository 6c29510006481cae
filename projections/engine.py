"""The projection engine: pages of the log applied exactly once, then live following."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import Mapper, StoredEvent
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from projections.positions import EVENTS_TABLE, PositionWatcher, lock_position
from projections.projection import Projection
from projections.replay import restore_indexes, strip_indexes

log = logging.getLogger(__name__)

INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 30.0
# Pages a runner applies before the next runner's turn, in the worker's loop.
PAGES_PER_TURN = 2

# The page's events of the wanted topics, in log order, then one last row: the page's
# last notification id and how many notifications it holds. The position moves past
# the whole page, while rows of other topics never leave the database.
SELECT_PAGE = f"""
WITH page AS MATERIALIZED (
    SELECT notification_id, originator_id, originator_version, topic, state
    FROM {EVENTS_TABLE} WHERE notification_id > %s ORDER BY notification_id LIMIT %s
)
SELECT * FROM (
    SELECT notification_id, originator_id, originator_version, topic, state FROM page
    WHERE topic = ANY(%s)
    UNION ALL
    SELECT max(notification_id), NULL, count(*), NULL, NULL FROM page
) AS rows ORDER BY topic IS NULL, notification_id
"""


class ProjectionRunner:
    """Feeds one projection from the log, one page per transaction.

    The page's rows and the new position commit together, and the position row is locked
    for the transaction: a crash anywhere loses or doubles nothing, and two runners of the
    same projection (server and worker) take turns instead of applying a page twice.
    """

    def __init__(
        self,
        pool: ConnectionPool,
        mapper: Mapper[Any],
        projection: Projection,
        *,
        batch_size: int = 500,
        watcher: PositionWatcher | None = None,
    ) -> None:
        self.pool = pool
        self.mapper = mapper
        self.projection = projection
        self.batch_size = batch_size
        self.watcher = watcher

    @property
    def name(self) -> str:
        """The projection's name."""
        return self.projection.name

    def run_page(self, batch_size: int | None = None) -> int:
        """Apply the next page of the log; returns how many notifications it consumed."""
        with self.pool.connection() as conn, conn.transaction():
            # Safe here: the position commits with the rows, so a lost commit is re-applied.
            conn.execute("SET LOCAL synchronous_commit = off")
            stands = lock_position(conn, self.name, self.projection.rule_version)
            limit = batch_size or self.batch_size
            topics = sorted(self.projection.topics)
            *rows, (last, _, consumed, _, _) = conn.execute(
                SELECT_PAGE, (stands.position, limit, topics)
            ).fetchall()
            if stands.replay is not None:
                self._replay_page(conn, rows, finished=consumed < limit, stripped=stands.replay)
            elif not consumed:
                return 0
            else:
                with conn.cursor() as cursor:
                    self.projection.apply(cursor, self._decode(rows))
            new_position = last or stands.position
            conn.execute(
                "UPDATE projection_positions SET position = %s, updated_at = now() WHERE name = %s",
                (new_position, self.name),
            )
        if self.watcher:
            self.watcher.advanced(self.name, new_position)
        return int(consumed)

    def _replay_page(
        self,
        conn: psycopg.Connection[Any],
        rows: Sequence[tuple[Any, ...]],
        *,
        finished: bool,
        stripped: dict[str, Any],
    ) -> None:
        """A page of a rebuild; at the head of the log, the stripped tables are restored."""
        with conn.cursor() as cursor:
            if rows:
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

    def catch_up(self, batch_size: int | None = None, max_pages: int | None = None) -> int:
        """Apply pages until the end of the log (or max_pages); returns notifications consumed."""
        total = pages = 0
        while (max_pages is None or pages < max_pages) and (consumed := self.run_page(batch_size)):
            total += consumed
            pages += 1
        return total

    def reset(self, *, replay: bool = False) -> None:
        """Empty the projection's tables and rewind it to the start of the log.

        With `replay`, its replay tables lose their indexes and keys until the rebuild
        reaches the head of the log: for rebuilds of a large log, not for live use.
        """
        with self.pool.connection() as conn, conn.transaction():
            stands = lock_position(conn, self.name)
            with conn.cursor() as cursor:
                tables = sql.SQL(", ").join(sql.Identifier(t) for t in self.projection.tables)
                cursor.execute(sql.SQL("TRUNCATE {}").format(tables))
                if stands.replay is not None:  # an earlier rebuild was cut short
                    restore_indexes(cursor, stands.replay)
                stripped = None
                if replay and self.projection.replay_tables:
                    stripped = Jsonb(strip_indexes(cursor, self.projection.replay_tables))
            # Rebuilt rows follow the rule configured now.
            conn.execute(
                "UPDATE projection_positions SET position = 0, rule_version = %s, replay = %s"
                " WHERE name = %s",
                (self.projection.rule_version, stripped, self.name),
            )

    def _decode(self, rows: Sequence[tuple[Any, ...]]) -> list[Any]:
        stored = [StoredEvent(r[1], r[2], r[3], bytes(r[4])) for r in rows]
        decode_page = getattr(self.mapper, "to_domain_events", None)
        if decode_page is not None:  # one key-store query per page, not one per member
            return list(decode_page(stored))
        return [self.mapper.to_domain_event(s) for s in stored]


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
        # retried after a pause that doubles with each failure. A lost database ends the
        # loop, to reconnect.
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
