"""read_ahead: items in order from a thread, errors raised in the consumer, early close stops it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from projections.ahead import read_ahead


def _readers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "read-ahead"]


def test_items_come_in_order_and_the_reader_ends() -> None:
    assert list(read_ahead(iter(range(1000)), depth=3)) == list(range(1000))
    assert _readers() == []


def test_an_error_of_the_source_is_raised_to_the_consumer_after_the_items_before_it() -> None:
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("page 3 failed")

    got: list[int] = []
    with pytest.raises(ValueError, match="page 3 failed"):
        for item in read_ahead(failing()):
            got.append(item)
    assert got == [1, 2]


def test_closing_early_stops_the_reader_and_closes_the_source() -> None:
    closed = threading.Event()
    made: list[int] = []

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                made.append(n)
                yield n
                n += 1
        finally:
            closed.set()

    items = read_ahead(endless(), depth=2)
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    items.close()
    assert closed.is_set()
    assert _readers() == []
    # Bounded: at most the depth, plus the one waiting to be put, beyond what was taken.
    assert len(made) <= 3 + 2 + 1


def test_chained_readers_close_in_order() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            yield from range(100)
        finally:
            closed.set()

    first = read_ahead(source())
    second = read_ahead(x * 2 for x in first)
    assert next(second) == 0
    second.close()
    first.close()
    assert closed.is_set()
    assert _readers() == []
