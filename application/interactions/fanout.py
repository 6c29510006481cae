"""Importing an NDJSON file with worker processes fed by one reader, partitioned by member.

The reader only reads lines and routes each to the worker that owns its member (by
identity, or by member id); every worker decodes, validates and records its own batches
in its own transactions. All the records of one member go to one worker, in file order:
no two workers race to create the same new member, and each member's interactions reach
the log in the order the file gives them. Recording is idempotent, so a line recorded
twice (after a crash) counts once.

A single checkpoint beside the file holds the last line before which every line is
recorded: the smallest first line of any batch not yet committed, less one. A rerun
after a crash starts there; lines after it that a worker had already committed come
back as duplicates.
"""

from __future__ import annotations

import io
import queue
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path
from typing import Any

import msgspec

from application.interactions.importer import BOM, Checkpoint, merge_totals
from application.interactions.ingestion import Ingestion, IngestTotals

# Batches waiting for each worker: enough to keep it busy while the reader routes more.
QUEUED_BATCHES = 2
POLL_SECONDS = 0.5

# A batch: its number and its numbered lines. None tells a worker to stop.
Batch = tuple[int, list[tuple[int, bytes]]]
# What a worker answers: the batch number and its totals, or -1 and what went wrong.
Answer = tuple[int, int, IngestTotals | str]
WorkerTarget = Callable[[Any, int, Any, Any], None]


class WorkerFailed(RuntimeError):
    """A worker process failed or was killed; a rerun resumes from the checkpoint."""


class _Route(msgspec.Struct):
    """The fields that say whose record a line is; the others are the worker's to check."""

    member_id: str | None = None
    identity_channel: str | None = None
    identity_handle: str | None = None


_decode_route = msgspec.json.Decoder(_Route).decode


def owner(raw: bytes, workers: int) -> int:
    """The worker that records this line: the same for every line of one member."""
    try:
        route = _decode_route(raw)
    except msgspec.DecodeError:
        return 0  # refused by whichever worker reads it
    if route.identity_handle is not None:
        handle = route.identity_handle
        if not handle.isascii():
            handle = unicodedata.normalize("NFC", handle)
        # As claims compare handles: trimmed, without "@", in any case.
        key = f"{route.identity_channel}\x00{handle.strip().removeprefix('@').casefold()}"
    else:
        key = (route.member_id or "").strip().lower()
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % workers


def serve(ingestion: Ingestion, inbox: Any, outbox: Any, index: int) -> None:
    """A worker's loop: record each batch it is sent, answer with the batch's totals."""
    while (batch := inbox.get()) is not None:
        number, lines = batch
        ingestion.totals = IngestTotals()
        ingestion.add_ndjson(lines)
        ingestion.flush()
        outbox.put((index, number, ingestion.totals))


@dataclass
class _Progress:
    """Batches sent and not yet committed, and lines routed but not yet sent."""

    unsent_first: list[int | None]
    pending: dict[int, int] = field(default_factory=dict)
    read_up_to: int = 0

    def safe_line(self) -> int:
        """The last line before which every line is committed."""
        firsts = [*self.pending.values(), *(f for f in self.unsent_first if f is not None)]
        return min(firsts, default=self.read_up_to + 1) - 1


class Fanout:
    """The reader: routes lines to worker processes and keeps the whole file's checkpoint."""

    def __init__(
        self, context: SpawnContext, target: WorkerTarget, job: Any, workers: int, batch: int
    ) -> None:
        self.batch = batch
        self.inboxes = [context.Queue(QUEUED_BATCHES) for _ in range(workers)]
        self.outbox = context.Queue()
        self.processes: list[SpawnProcess] = [
            context.Process(target=target, args=(job, index, self.inboxes[index], self.outbox))
            for index in range(workers)
        ]
        self.results: list[IngestTotals] = []
        self.sent = 0
        self.state = _Progress([])
        self.checkpoint: Callable[[int], Checkpoint] = partial(Checkpoint, Path(), 0, 0)

    def run(
        self, path: Path, *, restart: bool, progress: Callable[[int], None] | None = None
    ) -> tuple[IngestTotals, int]:
        """Import the file; returns the totals and the lines an earlier run's checkpoint skipped."""
        checkpoint = None if restart else Checkpoint.load(path)
        skip = checkpoint.lines_done if checkpoint else 0
        stat = path.stat()
        self.checkpoint = partial(Checkpoint, path, stat.st_size, stat.st_mtime_ns)
        self.state = state = _Progress([None] * len(self.processes))
        buffers: list[list[tuple[int, bytes]]] = [[] for _ in self.processes]
        for process in self.processes:
            process.start()
        try:
            with path.open("rb") as raw:
                for number, line in _lines(raw, skip):
                    target = owner(line, len(buffers))
                    if not buffers[target]:
                        state.unsent_first[target] = number
                    buffers[target].append((number, line))
                    state.read_up_to = number
                    if len(buffers[target]) >= self.batch:
                        self._send(target, buffers)
                        if progress:
                            progress(raw.tell())
            for target in range(len(buffers)):
                if buffers[target]:
                    self._send(target, buffers)
            for inbox in self.inboxes:
                self._put(inbox, None)
            while state.pending:
                self._collect(block=True)
            for process in self.processes:
                process.join()
        finally:
            for process in self.processes:
                if process.is_alive():
                    process.terminate()  # only after a failure: the others stop too
            for inbox in self.inboxes:
                inbox.cancel_join_thread()  # batches a stopped worker never took
        if progress:
            progress(stat.st_size)
        Checkpoint.beside(path).unlink(missing_ok=True)
        return merge_totals(self.results), skip

    def _send(self, target: int, buffers: list[list[tuple[int, bytes]]]) -> None:
        number = self.sent
        self.sent += 1
        lines, buffers[target] = buffers[target], []
        self.state.pending[number] = lines[0][0]
        self.state.unsent_first[target] = None
        self._put(self.inboxes[target], (number, lines))

    def _put(self, inbox: Any, batch: Batch | None) -> None:
        """Queue a batch, taking in answers while the worker's queue is full."""
        while True:
            try:
                inbox.put(batch, timeout=POLL_SECONDS)
                break
            except queue.Full:
                self._collect(block=False)
        self._collect(block=False)

    def _collect(self, *, block: bool) -> None:
        """Take in the answers that came; fail if a worker died."""
        while True:
            try:
                answer: Answer = (
                    self.outbox.get(timeout=POLL_SECONDS) if block else self.outbox.get_nowait()
                )
            except queue.Empty:
                self._check_workers()
                if block:
                    continue
                return
            index, number, totals = answer
            if isinstance(totals, str):
                raise WorkerFailed(f"import worker {index + 1} failed: {totals}")
            self.results.append(totals)
            del self.state.pending[number]
            self.checkpoint(self.state.safe_line()).save()
            if block:
                return

    def _check_workers(self) -> None:
        for index, process in enumerate(self.processes):
            if process.exitcode not in (None, 0):
                raise WorkerFailed(
                    f"import worker {index + 1} stopped (exit code {process.exitcode}); run"
                    " the import again to resume from its checkpoint"
                )


def _lines(raw: io.BufferedReader, skip: int) -> Iterator[tuple[int, bytes]]:
    """The file's numbered non-blank lines after the first `skip`."""
    for number, line in enumerate(raw, start=1):
        if number <= skip:
            continue
        if number == 1:
            line = line.removeprefix(BOM)
        if line.strip():
            yield number, line
