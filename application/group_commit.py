"""Group commit: commands of concurrent callers collected for a few milliseconds and written
together, one transaction per batch, each caller answered with its own outcome.

A writer thread takes what is queued (waiting at most `window_seconds` after the first
command, never more than `max_batch` commands) and hands the batch to `write`, which
answers every command with a value or an exception of its own: one refused command never
fails its neighbours. A finisher thread then runs `settle` on the answers of every batch
written meanwhile (e.g. applies the read model the callers read back) before it resolves
the callers' futures, so the next batch is written while the last one settles.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Generic, TypeVar

from application.metrics import GROUP_COMMIT_BATCH_SIZE

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class BatchStats:
    """How the batches went so far: for metrics and benchmarks."""

    batches: int
    commands: int
    largest: int


class _Stop:
    """Queued once at close: the writer drains what came before it, then ends."""


class GroupCommit(Generic[T, R]):
    """Collects commands from many threads into batches written by one thread."""

    def __init__(
        self,
        write: Callable[[Sequence[T]], Sequence[R | BaseException]],
        *,
        window_seconds: float,
        max_batch: int,
        settle: Callable[[Sequence[R | BaseException]], None] | None = None,
        name: str = "group-commit",
    ) -> None:
        self._write = write
        self._settle = settle
        self.window_seconds = window_seconds
        self.max_batch = max(1, max_batch)
        self._incoming: queue.SimpleQueue[tuple[T, Future[R]] | _Stop] = queue.SimpleQueue()
        self._written: queue.SimpleQueue[
            tuple[list[Future[R]], Sequence[R | BaseException]] | _Stop
        ] = queue.SimpleQueue()
        self._batches = self._commands = self._largest = 0
        self._closed = False
        self._writer = threading.Thread(target=self._write_batches, name=name, daemon=True)
        self._finisher = threading.Thread(
            target=self._finish_batches, name=f"{name}-settle", daemon=True
        )
        self._writer.start()
        self._finisher.start()

    def submit(self, command: T) -> Future[R]:
        """Queue a command; the future holds its outcome once its batch is written."""
        if self._closed:
            raise RuntimeError("the group commit is closed")
        future: Future[R] = Future()
        self._incoming.put((command, future))
        return future

    def __call__(self, command: T) -> R:
        """Queue a command and wait for its outcome (for callers in a thread of their own)."""
        return self.submit(command).result()

    @property
    def stats(self) -> BatchStats:
        """Batches written, commands in them, the largest batch."""
        return BatchStats(self._batches, self._commands, self._largest)

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, answer it, and stop the threads."""
        if self._closed:
            return
        self._closed = True
        self._incoming.put(_Stop())
        self._writer.join(timeout)
        self._finisher.join(timeout)

    def _write_batches(self) -> None:
        while True:
            batch, stop = self._collect()
            if batch:
                self._written.put(([f for _, f in batch], self._outcomes(batch)))
            if stop:
                self._written.put(_Stop())
                return

    def _collect(self) -> tuple[list[tuple[T, Future[R]]], bool]:
        """The next batch: what is queued now, and what comes within the window."""
        first = self._incoming.get()
        if isinstance(first, _Stop):
            return [], True
        batch = [first]
        deadline = time.monotonic() + self.window_seconds
        while len(batch) < self.max_batch:
            try:
                remaining = deadline - time.monotonic()
                item = (
                    self._incoming.get_nowait()
                    if remaining <= 0
                    else self._incoming.get(timeout=remaining)
                )
            except queue.Empty:
                break
            if isinstance(item, _Stop):
                return batch, True
            batch.append(item)
        return batch, False

    def _outcomes(self, batch: list[tuple[T, Future[R]]]) -> Sequence[R | BaseException]:
        """Each command's outcome; a failure of the whole write answers every command."""
        self._batches += 1
        self._commands += len(batch)
        self._largest = max(self._largest, len(batch))
        GROUP_COMMIT_BATCH_SIZE.observe(len(batch))
        try:
            outcomes = self._write([command for command, _ in batch])
        except Exception as error:  # nothing of the batch was written: all are told so
            log.exception("a batch of %d commands failed", len(batch))
            return [error] * len(batch)
        if len(outcomes) != len(batch):
            wrong = RuntimeError(f"{len(outcomes)} outcomes for {len(batch)} commands")
            return [wrong] * len(batch)
        return outcomes

    def _finish_batches(self) -> None:
        while True:
            done = [self._written.get()]
            # Every batch written meanwhile settles at once (one projection step for all).
            while True:
                try:
                    done.append(self._written.get_nowait())
                except queue.Empty:
                    break
            stop = any(isinstance(item, _Stop) for item in done)
            batches = [item for item in done if not isinstance(item, _Stop)]
            self._finish(batches)
            if stop:
                return

    def _finish(self, batches: list[tuple[list[Future[R]], Sequence[R | BaseException]]]) -> None:
        outcomes = [outcome for _, written in batches for outcome in written]
        if self._settle is not None and outcomes:
            try:
                self._settle(outcomes)
            except Exception:  # the writes stand; callers read back what is there
                log.exception("settling %d commands failed", len(outcomes))
        for futures, written in batches:
            for future, outcome in zip(futures, written, strict=True):
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
