"""How many CSV exports may stream at once in a process: each holds a pooled connection.

A CSV export reads one server-side cursor inside one transaction for as long as its
client takes to download it; without a bound, a few slow downloads would take every
connection of the pool from the rest of the API.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator


class ExportSlots:
    """A fixed number of slots, each held by one streaming export until it ends."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._free = threading.BoundedSemaphore(count)

    def take(self) -> bool:
        """Take a slot if one is free (never waits)."""
        return self._free.acquire(blocking=False)

    def held(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """The chunks; the slot is given back when they end, fail or are dropped.

        Also when the stream is dropped before it started (a client gone before the
        first byte): a finaliser gives the slot back when the iterator is collected.
        """

        def stream() -> Iterator[bytes]:
            try:
                yield from chunks
            finally:
                release()

        streamed = stream()
        release = weakref.finalize(streamed, self._free.release)
        return streamed
