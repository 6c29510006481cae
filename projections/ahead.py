"""Read ahead: the next items of an iterator made in a thread while the caller uses this one.

An export's pages cost PostgreSQL time (rendering the page, looking up its members' keys)
and Python time (opening texts, joining lines). Fetching the next page in a thread while
this one is opened overlaps the two: psycopg releases the GIL while it waits on the server.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failed:
    """What the reader raised, handed to the consumer to raise again."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(items: Iterator[T], depth: int = 2) -> Generator[T, None, None]:
    """The items in order, at most `depth` made ahead of the consumer (memory stays bounded).

    Closing this iterator early stops the reader and waits for it, so whatever the items
    come from (a cursor, a connection) is free again when this returns.
    """
    ready: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                ready.put(item)
            ready.put(_DONE)
        except BaseException as error:  # handed over, raised in the consumer's thread
            ready.put(_Failed(error))
        finally:
            # A generator read ahead (perhaps itself reading ahead) stops here, in order.
            close = getattr(items, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name="read-ahead", daemon=True)
    reader.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while reader.is_alive():
            # Unblock a reader waiting to put, until it sees the stop.
            try:
                ready.get(timeout=0.05)
            except queue.Empty:
                pass
        reader.join()
