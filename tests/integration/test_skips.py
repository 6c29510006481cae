"""Projections moved past events of none of their topics by the worker, without a page."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import psycopg
import pytest
from psycopg import Cursor

from application.runtime import Runtime
from domain.members import commands as cmd
from projections.engine import ProjectionRunner
from projections.live import POSITIONS_CHANNEL
from projections.positions import PositionWatcher, head_of_log
from projections.skips import skip_past
from projections.worker import ProjectionWorker
from tests.integration.conftest import CountingProjection, counting_runner, scalar
from tests.integration.test_worker import listeners, stop_worker, wait_until

pytestmark = pytest.mark.integration

SPAN_END = 50


class Unrelated(CountingProjection):
    """A projection none of whose topics is ever written; notes where each page it is
    given starts."""

    name: ClassVar[str] = "unrelated"
    topics: ClassVar[frozenset[str]] = frozenset({"crm.test.NeverWritten"})
    announced: ClassVar[bool] = True

    def __init__(self) -> None:
        self.page_starts: list[int] = []

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Note where the page starts (the position is moved after it is applied)."""
        row = cursor.execute(
            "SELECT position FROM projection_positions WHERE name = %s", (self.name,)
        ).fetchone()
        assert row is not None
        self.page_starts.append(int(row[0]))


class RuleBound(Unrelated):
    """The same, under a rule whose version the stored position must match."""

    name: ClassVar[str] = "rule_bound"
    rule_version = "rule-2"


def stand(url: str, name: str, position: int, **columns: Any) -> None:
    """Put a projection's stored position (and any other column) where the test needs it."""
    values = {"position": position, "rule_version": None, "replay": None, **columns}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO projection_positions (name, position, rule_version, replay)"
            " VALUES (%(name)s, %(position)s, %(rule_version)s, %(replay)s)"
            " ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position,"
            " rule_version = EXCLUDED.rule_version, replay = EXCLUDED.replay",
            {"name": name, **values},
        )


def position(url: str, name: str) -> int:
    """Where a projection stands in the database."""
    return int(scalar(url, "SELECT position FROM projection_positions WHERE name = %s", (name,)))


@pytest.fixture
def reader(runtime: Runtime) -> Iterator[psycopg.Connection[Any]]:
    """The listener's kind of connection; it never waits long for a lock."""
    with psycopg.connect(runtime.database_url, autocommit=True) as conn:
        conn.execute("SET lock_timeout = '5s'")
        yield conn


def test_a_projection_inside_the_span_moves_to_its_end_and_is_announced(
    runtime: Runtime, reader: psycopg.Connection[Any]
) -> None:
    url = runtime.database_url
    runner = counting_runner(runtime, Unrelated())
    runner.watcher = PositionWatcher(runtime.pool)
    stand(url, "unrelated", 20)
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute(f"LISTEN {POSITIONS_CHANNEL}")
        assert skip_past(reader, [runner], 10, SPAN_END) == {"unrelated"}
        announced = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
    assert announced == [f"unrelated {SPAN_END}"]
    assert position(url, "unrelated") == SPAN_END
    assert runner.position == SPAN_END
    assert runner.watcher.wait_for("unrelated", SPAN_END, timeout=0)


@pytest.mark.parametrize(
    ("stored", "columns"),
    [
        (9, {}),  # behind the span: events before it may hold its topics
        (SPAN_END, {}),  # already there
        (20, {"replay": '{"indexes": []}'}),  # rebuilding: it ends with a page of its own
        (20, {"rule_version": "rule-1"}),  # another rule: its runner must refuse to go on
    ],
    ids=["behind", "at-the-end", "rebuilding", "other-rule"],
)
def test_a_projection_that_may_not_skip_the_span_stays_where_it_is(
    runtime: Runtime, reader: psycopg.Connection[Any], stored: int, columns: dict[str, Any]
) -> None:
    url = runtime.database_url
    runner = counting_runner(runtime, RuleBound())
    stand(url, "rule_bound", stored, **{"rule_version": "rule-2", **columns})
    assert skip_past(reader, [runner], 10, SPAN_END) == set()
    assert position(url, "rule_bound") == stored
    assert runner.position == 0


def test_a_projection_in_a_page_is_passed_over_not_waited_for(
    runtime: Runtime, reader: psycopg.Connection[Any]
) -> None:
    url = runtime.database_url
    busy, idle = counting_runner(runtime, Unrelated()), counting_runner(runtime, RuleBound())
    stand(url, "unrelated", 20)
    stand(url, "rule_bound", 20, rule_version="rule-2")
    with psycopg.connect(url) as page, page.transaction():
        page.execute("SELECT 1 FROM projection_positions WHERE name = 'unrelated' FOR UPDATE")
        # Waiting would raise LockNotAvailable after the reader's lock_timeout.
        assert skip_past(reader, [busy, idle], 10, SPAN_END) == {"rule_bound"}
    assert (position(url, "unrelated"), position(url, "rule_bound")) == (20, SPAN_END)


def test_the_worker_moves_an_idle_projection_without_giving_it_a_page(runtime: Runtime) -> None:
    url = runtime.database_url
    watcher = PositionWatcher(runtime.pool)
    unrelated = Unrelated()
    runner: ProjectionRunner = counting_runner(runtime, unrelated)
    runner.watcher = watcher
    worker = ProjectionWorker(url, [runner], poll_seconds=3600)
    worker.start()
    try:
        # Its first catch-up stores where it stands; from then on it only listens.
        wait_until(lambda: listeners(url) == 1)
        assert watcher.wait_for("unrelated", head_of_log(runtime.pool), timeout=30)
        writes_from = head_of_log(runtime.pool)
        for number in range(4):
            runtime.community.join_member(cmd.JoinMember(display_name=f"Passed {number}"))
            assert watcher.wait_for("unrelated", head_of_log(runtime.pool), timeout=30)
    finally:
        stop_worker(worker, url)
    assert position(url, "unrelated") == head_of_log(runtime.pool) > writes_from
    # Deferred instead, it would have read each write in a page of its own; one page may
    # be the listener's wake at its start, running as the first write came.
    assert len([start for start in unrelated.page_starts if start >= writes_from]) <= 1
