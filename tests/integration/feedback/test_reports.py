"""FeedbackReports against a reference computed in Python on the same random items.

The rows are written straight into feedback_items: the reports read nothing else, and
the projection that fills the table has tests of its own.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from projections.feedback.reports import FeedbackReports, ResponseGroup, ResponseTimes

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
END = START + timedelta(days=21)
NOW = END + timedelta(days=2)
CHANNELS = ["forum", "github", "discord"]
PRIORITIES = ["urgent", "high", "normal", "low", None]
TARGETS: dict[str | None, timedelta] = {
    "urgent": timedelta(hours=4),
    "high": timedelta(hours=24),
    "normal": timedelta(hours=72),
    "low": timedelta(hours=168),
    None: timedelta(hours=72),
}


@dataclass(frozen=True)
class Item:
    """The columns the reports read."""

    channel: str
    priority: str | None
    kind: str
    status: str
    product_area: str | None
    submitted_at: datetime
    first_response_at: datetime | None

    @property
    def waited(self) -> float | None:
        if self.first_response_at is None:
            return None
        return (self.first_response_at - self.submitted_at).total_seconds()

    @property
    def over_target(self) -> bool:
        answered = self.first_response_at or NOW
        return answered - self.submitted_at > TARGETS.get(self.priority, TARGETS[None])

    def key(self, group: ResponseGroup) -> str | None:
        if group is ResponseGroup.WEEK:
            day = self.submitted_at.date()
            return (day - timedelta(days=day.weekday())).isoformat()
        return self.channel if group is ResponseGroup.CHANNEL else self.priority


def random_items(seed: int, count: int, start: datetime, end: datetime) -> list[Item]:
    """Items spread over [start, end), a sixth unanswered, waits up to ten days."""
    rng = random.Random(seed)
    span = (end - start).total_seconds()
    found = []
    for _ in range(count):
        submitted = start + timedelta(
            seconds=rng.uniform(0, span), microseconds=rng.randrange(10**6)
        )
        answered = None
        if rng.random() > 1 / 6:
            answered = submitted + timedelta(seconds=rng.expovariate(1 / 40_000))
        found.append(
            Item(
                channel=rng.choice(CHANNELS),
                priority=rng.choice(PRIORITIES),
                kind=rng.choice(["bug", "idea", "question"]),
                status=rng.choice(["open", "planned", "answered"]),
                product_area=rng.choice(["billing", "search", None]),
                submitted_at=submitted,
                first_response_at=answered,
            )
        )
    return found


def insert(url: str, items: list[Item]) -> None:
    """The items as read-model rows."""
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO feedback_items (item_id, author_id, channel, kind, status, priority,"
            " product_area, submitted_at, first_response_at, version, position, changed_at,"
            " status_changed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 1, %s, %s, %s)",
            [
                (
                    uuid4(),
                    uuid4(),
                    i.channel,
                    i.kind,
                    i.status,
                    i.priority,
                    i.product_area,
                    i.submitted_at,
                    i.first_response_at,
                    n,
                    i.submitted_at,
                    i.submitted_at,
                )
                for n, i in enumerate(items, start=1)
            ],
        )


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def expected(key: str | None, items: list[Item]) -> tuple[object, ...]:
    waits = [i.waited for i in items if i.waited is not None]
    return (
        key,
        len(waits),
        len(items) - len(waits),
        percentile_cont(waits, 0.5),
        percentile_cont(waits, 0.9),
        sum(i.over_target for i in items),
    )


def measured(times: ResponseTimes) -> tuple[object, ...]:
    return (
        times.key,
        times.answered,
        times.unanswered,
        times.median.total_seconds() if times.median is not None else None,
        times.p90.total_seconds() if times.p90 is not None else None,
        times.over_target,
    )


@pytest.fixture
def reports(database: str) -> Iterator[tuple[FeedbackReports, list[Item]]]:
    """500 items in the span, 50 just before and after it, on a fresh database."""
    inside = random_items(7, 500, START, END)
    outside = random_items(8, 25, START - timedelta(days=3), START)
    outside += random_items(9, 25, END, END + timedelta(days=1))
    insert(database, inside + outside)
    with ConnectionPool(database, min_size=1, max_size=2, open=True) as pool:
        yield FeedbackReports(pool), inside


@pytest.mark.parametrize("group", list(ResponseGroup))
def test_response_times_equal_the_reference(
    reports: tuple[FeedbackReports, list[Item]], group: ResponseGroup
) -> None:
    """Per group and overall: counts exact, percentiles to the microsecond."""
    report, items = reports
    answer = report.response_times(START, END, group, TARGETS, NOW)
    keys = sorted({i.key(group) for i in items}, key=lambda k: (k is None, k or ""))
    reference = [expected(k, [i for i in items if i.key(group) == k]) for k in keys]
    assert len(answer.groups) == len(reference)
    for found, wanted in zip(answer.groups, reference, strict=True):
        assert measured(found) == pytest.approx(wanted, abs=1e-6)
    assert measured(answer.overall) == pytest.approx(expected(None, items), abs=1e-6)


def test_summary_equals_the_reference(reports: tuple[FeedbackReports, list[Item]]) -> None:
    """Counts by kind, status, area and week of the items in the span only."""
    report, items = reports
    summary = report.summary(START, END)
    assert summary.total == len(items)
    assert {c.key: c.items for c in summary.kinds} == Counter(i.kind for i in items)
    assert {c.key: c.items for c in summary.statuses} == Counter(i.status for i in items)
    assert {c.key: c.items for c in summary.product_areas} == Counter(i.product_area for i in items)
    weeks = Counter(date.fromisoformat(str(i.key(ResponseGroup.WEEK))) for i in items)
    assert [(w.week, w.items) for w in summary.weeks] == sorted(weeks.items())
    counts = [c.items for c in summary.kinds]
    assert counts == sorted(counts, reverse=True)


def test_an_empty_span(reports: tuple[FeedbackReports, list[Item]]) -> None:
    """No items: no groups, zeros overall, an empty summary."""
    report, _ = reports
    empty = report.response_times(END, END, ResponseGroup.CHANNEL, TARGETS, NOW)
    assert empty.groups == [] and measured(empty.overall) == (None, 0, 0, None, None, 0)
    assert report.summary(END, END).total == 0
