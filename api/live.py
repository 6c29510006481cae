"""Live updates: one listener per server process fans the projections' commits out to the
GraphQL subscriptions it serves, and closes the sockets of keys revoked meanwhile.

Runners announce each page they commit (projections/live.py), whichever process runs them,
so a `crm serve --no-projections` hears what a separate `crm worker` applied. A subscription
is handed spans of the log that its read model now includes; what it reads of a span (the
members it touched, the feedback it changed) is read once per process, not per subscriber.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Any, TypeVar, cast
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from api.auth import REVOCATIONS_CHANNEL, ApiKeys
from api.services import in_thread
from projections.live import (
    POSITIONS_CHANNEL,
    announced_names,
    parse_announcement,
    stored_positions,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# Revocations are announced at once; the keys of open sockets are also checked this often,
# for one revoked while the listener was reconnecting, or straight in SQL.
KEY_RECHECK_SECONDS = 5.0
# A server starts serving even when the database is not there yet; it listens once it is.
START_WAIT_SECONDS = 5.0
INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 10.0

Close = Callable[[], Awaitable[None]]


class Span:
    """The notifications (after, until] a projection has committed, and what was read of them.

    Each read is made once, by the first subscriber to ask, and shared with the others.
    """

    def __init__(self, name: str, after: int, until: int) -> None:
        self.name = name
        self.after = after
        self.until = until
        self._reads: dict[str, asyncio.Future[Any]] = {}

    async def read(self, key: str, function: Callable[[int, int], T]) -> T:
        """`function(after, until)` in a thread, once per key for every subscriber."""
        future = self._reads.get(key)
        if future is None or (future.done() and future.exception() is not None):
            future = asyncio.ensure_future(in_thread(function, self.after, self.until))
            self._reads[key] = future
        # One subscriber leaving must not cancel the read the others wait for.
        return cast(T, await asyncio.shield(future))


class _Follower:
    """One subscription's spans not yet taken; merged per projection when it falls behind,
    so a slow subscriber holds one span per projection, never a growing queue."""

    def __init__(self) -> None:
        self.pending: dict[str, Span] = {}
        self.ready = asyncio.Event()

    def offer(self, span: Span) -> None:
        held = self.pending.get(span.name)
        self.pending[span.name] = span if held is None else Span(span.name, held.after, span.until)
        self.ready.set()

    def __aiter__(self) -> _Follower:
        return self

    async def __anext__(self) -> Span:
        while not self.pending:
            self.ready.clear()
            await self.ready.wait()
        return self.pending.pop(next(iter(self.pending)))


class LiveUpdates:
    """The process's listener, its subscriptions' followers and its sockets by key."""

    def __init__(
        self,
        database_url: str,
        pool: ConnectionPool,
        api_keys: ApiKeys,
        *,
        recheck_seconds: float = KEY_RECHECK_SECONDS,
    ) -> None:
        self.database_url = database_url
        self.pool = pool
        self.api_keys = api_keys
        self.recheck_seconds = recheck_seconds
        self.names = announced_names()
        # The last position announced per projection: spans start there.
        self._high: dict[str, int] = {}
        self._followers: dict[str, set[_Follower]] = defaultdict(set)
        self._sockets: dict[UUID, set[Close]] = defaultdict(set)
        self._listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def subscriptions(self) -> int:
        """Subscriptions following the projections now."""
        return len({f for followers in self._followers.values() for f in followers})

    async def start(self) -> None:
        """Listen in a task of the event loop; wait briefly for the first LISTEN."""
        self._task = asyncio.create_task(self._listen(), name="live-updates")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), START_WAIT_SECONDS)

    async def stop(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @contextlib.contextmanager
    def following(self, names: Iterable[str]) -> Iterator[AsyncIterator[Span]]:
        """The spans each named projection commits from now (entering) until leaving."""
        follower = _Follower()
        watched = list(names)
        for name in watched:
            self._followers[name].add(follower)
        try:
            yield follower
        finally:
            for name in watched:
                self._followers[name].discard(follower)

    def watch_key(self, key_id: UUID, close: Close) -> Callable[[], None]:
        """Call `close` when the key is revoked; returns what forgets it (socket closed)."""
        self._sockets[key_id].add(close)

        def forget() -> None:
            closes = self._sockets.get(key_id)
            if closes is not None:
                closes.discard(close)
                if not closes:
                    del self._sockets[key_id]

        return forget

    async def _listen(self) -> None:
        """Follow the announcements, reconnecting after database failures."""
        backoff = INITIAL_BACKOFF
        while True:
            try:
                await self._follow()
            except (psycopg.Error, OSError) as error:
                log.warning("live updates lost the database (%s); retrying", error)
                backoff = INITIAL_BACKOFF if self._listening.is_set() else backoff
                self._listening.clear()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def _follow(self) -> None:
        async with await psycopg.AsyncConnection.connect(
            self.database_url, autocommit=True
        ) as conn:
            for channel in (POSITIONS_CHANNEL, REVOCATIONS_CHANNEL):
                await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            # Commits announced while nobody listened: the positions stored now cover them.
            stored = await in_thread(stored_positions, self.pool, self.names)
            for name, position in stored.items():
                self._advance(name, position)
            await self._recheck_keys()
            self._listening.set()
            while True:
                async for notice in conn.notifies(timeout=self.recheck_seconds):
                    await self._notified(notice.channel, notice.payload)
                await self._recheck_keys()

    async def _notified(self, channel: str, payload: str) -> None:
        if channel == REVOCATIONS_CHANNEL:
            with contextlib.suppress(ValueError):
                await self._close_key(UUID(payload))
            return
        announced = parse_announcement(payload)
        if announced is not None:
            self._advance(*announced)

    def _advance(self, name: str, position: int) -> None:
        """Hand the new span to the projection's followers."""
        high = self._high.get(name)
        if high is not None and position <= high:
            return  # a rebuild's pages, below what was announced already
        self._high[name] = position
        if high is None:
            return  # where following starts
        span = Span(name, high, position)
        for follower in self._followers.get(name, ()):
            follower.offer(span)

    async def _recheck_keys(self) -> None:
        keys = list(self._sockets)
        if not keys:
            return
        active = await in_thread(self.api_keys.active_among, keys)
        for key_id in keys:
            if key_id not in active:
                await self._close_key(key_id)

    async def _close_key(self, key_id: UUID) -> None:
        for close in list(self._sockets.pop(key_id, ())):
            try:
                await close()
            except Exception:  # noqa: BLE001  (a socket closing meanwhile is closed anyway)
                log.debug("closing a revoked key's socket failed", exc_info=True)
