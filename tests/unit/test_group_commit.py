"""The group-commit queue: batches from many threads, each caller answered on its own."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from application.group_commit import GroupCommit


class Recorder:
    """A write that remembers its batches; refuses odd numbers, or fails on `crash`."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.settled: list[int] = []
        self.crash = False
        self.release = threading.Event()
        self.release.set()

    def write(self, items: Sequence[int]) -> list[int | BaseException]:
        self.release.wait(10)
        if self.crash:
            raise RuntimeError("the transaction failed")
        self.batches.append(list(items))
        return [ValueError(f"odd {n}") if n % 2 else n * 10 for n in items]

    def settle(self, outcomes: Sequence[int | BaseException]) -> None:
        self.settled += [o for o in outcomes if isinstance(o, int)]


def test_commands_queued_while_a_batch_is_written_share_the_next_batch() -> None:
    recorder = Recorder()
    commit = GroupCommit(recorder.write, window_seconds=0, max_batch=100, settle=recorder.settle)
    recorder.release.clear()
    first = commit.submit(0)  # the writer takes it and waits in write()
    futures = [commit.submit(n) for n in range(1, 41)]
    recorder.release.set()
    assert first.result(10) == 0
    assert [f.exception(10) is not None for f in futures] == [n % 2 == 1 for n in range(1, 41)]
    assert [f.result() for f in futures[1::2]] == [n * 10 for n in range(2, 41, 2)]
    assert len(recorder.batches) <= 3 and sum(map(len, recorder.batches)) == 41
    assert sorted(recorder.settled) == [n * 10 for n in range(0, 41, 2)]
    commit.close()


def test_a_batch_holds_at_most_max_batch_commands() -> None:
    recorder = Recorder()
    commit = GroupCommit(recorder.write, window_seconds=0.05, max_batch=8)
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda n: commit.submit(n * 2).result(10), range(20)))
    assert answers == [n * 20 for n in range(20)]
    assert max(map(len, recorder.batches)) <= 8 and commit.stats.largest <= 8
    commit.close()


def test_a_failed_write_answers_every_caller_and_the_writer_goes_on() -> None:
    recorder = Recorder()
    commit = GroupCommit(recorder.write, window_seconds=0.02, max_batch=50)
    recorder.crash = True
    futures = [commit.submit(n * 2) for n in range(10)]
    for future in futures:
        with pytest.raises(RuntimeError, match="transaction failed"):
            future.result(10)
    recorder.crash = False
    assert commit.submit(4).result(10) == 40
    commit.close()


def test_closing_answers_what_is_queued_then_refuses_more() -> None:
    recorder = Recorder()
    commit = GroupCommit(recorder.write, window_seconds=0.5, max_batch=50)
    futures = [commit.submit(n * 2) for n in range(5)]
    commit.close()
    assert [f.result(0) for f in futures] == [0, 20, 40, 60, 80]
    with pytest.raises(RuntimeError, match="closed"):
        commit.submit(2)
