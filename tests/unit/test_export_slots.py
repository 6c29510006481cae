"""The CSV exports' slots: taken up front, given back however the stream ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from api.export_slots import ExportSlots


def _chunks(fail: bool = False) -> Iterator[bytes]:
    yield b"a"
    if fail:
        raise RuntimeError("the database went away")
    yield b"b"


def test_no_more_streams_than_slots() -> None:
    slots = ExportSlots(2)
    assert slots.take() and slots.take()
    assert not slots.take()


def test_a_finished_stream_gives_its_slot_back() -> None:
    slots = ExportSlots(1)
    assert slots.take()
    streamed = slots.held(_chunks())
    assert list(streamed) == [b"a", b"b"]
    assert slots.take()


def test_a_failed_or_abandoned_stream_gives_its_slot_back() -> None:
    slots = ExportSlots(1)
    assert slots.take()
    failing = slots.held(_chunks(fail=True))
    with pytest.raises(RuntimeError):
        list(failing)
    assert slots.take()
    abandoned = slots.held(_chunks())
    assert next(abandoned) == b"a"
    abandoned.close()  # the client went away mid-stream
    assert slots.take()


def test_a_stream_dropped_before_its_first_byte_gives_its_slot_back() -> None:
    slots = ExportSlots(1)
    assert slots.take()
    never_started = slots.held(_chunks())
    assert not slots.take()
    del never_started
    gc.collect()
    assert slots.take()


def test_a_slot_is_given_back_once() -> None:
    slots = ExportSlots(1)
    assert slots.take()
    streamed = slots.held(_chunks())
    list(streamed)
    del streamed
    gc.collect()
    assert slots.take() and not slots.take()
