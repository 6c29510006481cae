"""Response times from the histogram against the exact reference, on random items.

Items are written straight into feedback_items and the histogram filled from them as the
bench seed fills it (the projection's moves are checked by the rebuild test). The span cuts
weeks at both ends, so edges are read from rows and whole weeks from the histogram.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from projections.feedback.histogram import FILL
from projections.feedback.reports import FeedbackReports, ResponseGroup, ResponseTimes
from tests.integration.feedback.test_reports import (
    END,
    NOW,
    START,
    TARGETS,
    Item,
    expected,
    insert,
    measured,
    random_items,
)

pytestmark = pytest.mark.integration

# Tuesday noon of the week before START to Tuesday noon after END: three whole weeks inside.
FROM = START - timedelta(days=6, hours=12)
TO = END + timedelta(days=1, hours=12)
BOUND = 0.005  # a bucket's middle is within 0.5% of each wait in it


@pytest.fixture
def spans(database: str) -> Iterator[tuple[ConnectionPool, list[Item]]]:
    """4,000 items over five weeks around the span, and the histogram of them."""
    items = random_items(11, 4_000, START - timedelta(days=7), END + timedelta(days=7))
    insert(database, items)
    with psycopg.connect(database) as conn:
        conn.execute(FILL)
    with ConnectionPool(database, min_size=1, max_size=2, open=True) as pool:
        yield pool, [i for i in items if FROM <= i.submitted_at < TO]


def reference(items: list[Item], group: ResponseGroup) -> list[tuple[object, ...]]:
    """The exact figures per group, then overall, computed in Python."""
    keys = sorted({i.key(group) for i in items}, key=lambda k: (k is None, k or ""))
    return [expected(k, [i for i in items if i.key(group) == k]) for k in keys] + [
        expected(None, items)
    ]


def close_to(found: ResponseTimes, wanted: tuple[object, ...]) -> None:
    """Counts equal; median and p90 within the bound (half a second under a second)."""
    key, answered, unanswered, median, p90, over = measured(found)
    assert (key, answered, unanswered, over) == (wanted[0], *wanted[1:3], wanted[5])
    for value, exact in ((median, wanted[3]), (p90, wanted[4])):
        assert isinstance(value, float) and isinstance(exact, float)
        assert abs(value - exact) <= max(BOUND * abs(exact), 0.5)


@pytest.mark.parametrize("group", list(ResponseGroup))
def test_the_histogram_answers_within_its_bound(
    spans: tuple[ConnectionPool, list[Item]], group: ResponseGroup
) -> None:
    """Every group and the overall row: exact counts, percentiles within 0.5%."""
    pool, items = spans
    answer = FeedbackReports(pool, exact_below=0).response_times(FROM, TO, group, TARGETS, NOW)
    wanted = reference(items, group)
    found = [*answer.groups, answer.overall]
    assert len(found) == len(wanted)
    for times, row in zip(found, wanted, strict=True):
        close_to(times, row)
        assert times.exact is False


def test_few_answered_items_are_computed_exactly(
    spans: tuple[ConnectionPool, list[Item]],
) -> None:
    """Below the threshold (here: always), figures are exact to the microsecond."""
    pool, items = spans
    report = FeedbackReports(pool, exact_below=sys.maxsize)
    answer = report.response_times(FROM, TO, ResponseGroup.PRIORITY, TARGETS, NOW)
    found = [*answer.groups, answer.overall]
    for times, row in zip(found, reference(items, ResponseGroup.PRIORITY), strict=True):
        assert measured(times) == pytest.approx(row, abs=1e-6)
        assert times.exact is True


def test_a_span_without_a_whole_week_is_exact(
    spans: tuple[ConnectionPool, list[Item]],
) -> None:
    """Six days never reach the histogram, whatever the threshold."""
    pool, items = spans
    to = FROM + timedelta(days=6)
    answer = FeedbackReports(pool, exact_below=0).response_times(
        FROM, to, ResponseGroup.CHANNEL, TARGETS, NOW
    )
    inside = [i for i in items if i.submitted_at < to]
    assert measured(answer.overall) == pytest.approx(expected(None, inside), abs=1e-6)
    assert answer.overall.exact is True
