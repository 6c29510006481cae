"""Time to first response over real HTTP, against figures computed by hand.

Six items in two weeks (and one after the span). Answers by the author and by bots do
not stop the clock; the urgent target is configured to 3 hours, the others are defaults.
Answered, in hours: A 10 (after an author reply at 1 and a bot reply at 2), B 2, C 80,
D 4; E (only its author replied) and F (only a bot replied) are unanswered.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from api.auth import Role
from domain.feedback.workflow import FeedbackKind, FeedbackStatus, Priority
from tests.api.conftest import Api, served_api
from tests.api.feedback.conftest import Desk, member, query, refused

HOUR = timedelta(hours=1)
WEEK_1 = datetime(2026, 6, 1, 9, tzinfo=UTC)  # a Monday
WEEK_2 = WEEK_1 + timedelta(days=7)
END = WEEK_1 + timedelta(days=14)
RESPONSE_TIMES = """
query Times($from: DateTime!, $to: DateTime!, $by: ResponseTimeGrouping!) {
  responseTimes(from: $from, to: $to, groupBy: $by) {
    from to groupBy asOf
    groups { key week channel priority answered unanswered medianSeconds p90Seconds overTarget }
    overall { key answered unanswered medianSeconds p90Seconds overTarget }
    targets { priority hours }
  }
}
"""
SUMMARY = """
query Summary($from: DateTime!, $to: DateTime!) {
  feedbackSummary(from: $from, to: $to) {
    total byKind { kind items } byStatus { status items }
    byProductArea { productArea items } byWeek { week isoWeek items }
  }
}
"""


@pytest.fixture(scope="module")
def feedback_api(server_url: str, template_database: str) -> Iterator[Api]:
    """This module's server, with a 3-hour target for urgent items."""
    with served_api(
        server_url, template_database, feedback_response_targets={"urgent": 3}
    ) as served:
        yield served


@pytest.fixture(scope="module")
def admin(feedback_api: Api) -> str:
    """An admin key of this module's server."""
    return feedback_api.key(Role.ADMIN)


@pytest.fixture(scope="module", autouse=True)
def items(feedback_api: Api, desk: Desk, admin: str) -> None:
    """The items of the module docstring, answered and triaged as it says."""
    author, other = member(feedback_api, admin), member(feedback_api, admin)
    staff, bot = member(feedback_api, admin), member(feedback_api, admin)

    submitted: dict[str, datetime] = {}

    def item(at: datetime, channel: str, kind: FeedbackKind, area: str | None) -> str:
        item_id = desk.submit(
            author, submitted_at=at, channel=channel, kind=kind, product_area=area
        )
        submitted[item_id] = at
        return item_id

    def answer(item_id: str, by: str, after: float, *, bot_reply: bool = False) -> None:
        at = submitted[item_id] + after * HOUR
        desk.act(
            item_id,
            lambda i: i.respond(
                responder_id=UUID(by),
                channel="forum",
                responded_at=at,
                now=datetime.now(UTC),
                by_staff=by == staff,
                by_bot=bot_reply,
            ),
        )

    def triage(item_id: str, priority: Priority) -> None:
        desk.act(
            item_id, lambda i: i.triage(product_area=i.product_area, priority=priority, team=None)
        )

    a = item(WEEK_1, "forum", FeedbackKind.BUG, "billing")
    b = item(WEEK_1 + HOUR, "forum", FeedbackKind.BUG, "billing")
    c = item(WEEK_1 + 2 * HOUR, "forum", FeedbackKind.QUESTION, "search")
    d = item(WEEK_2, "github", FeedbackKind.FEATURE_REQUEST, "search")
    e = item(WEEK_2 + HOUR, "github", FeedbackKind.FEATURE_REQUEST, None)
    f = item(WEEK_2 + 2 * HOUR, "github", FeedbackKind.FEATURE_REQUEST, None)
    late = item(END, "forum", FeedbackKind.BUG, "billing")
    answer(a, author, 1)
    answer(a, bot, 2, bot_reply=True)
    answer(a, staff, 10)
    answer(a, other, 11)
    answer(b, staff, 2)
    answer(c, other, 80)
    answer(d, staff, 4)
    answer(e, author, 1)
    answer(f, bot, 1, bot_reply=True)
    answer(late, staff, 100)
    for item_id, priority in ((a, Priority.URGENT), (b, Priority.HIGH), (d, Priority.URGENT)):
        triage(item_id, priority)
    triage(e, Priority.LOW)
    triage(f, Priority.NORMAL)
    desk.act(
        b,
        lambda i: i.change_status(FeedbackStatus.ANSWERED, changed_by=UUID(staff)),
    )


def times(api: Api, key: str, by: str) -> dict[str, Any]:
    """The response-time report over the two weeks."""
    variables = {"from": WEEK_1.isoformat(), "to": END.isoformat(), "by": by}
    report: dict[str, Any] = query(api, RESPONSE_TIMES, key, **variables)["responseTimes"]
    return report


def hours(value: float | None) -> float | None:
    """Seconds as hours, rounded past float noise."""
    return None if value is None else round(value / 3600, 6)


def figures(group: dict[str, Any]) -> tuple[Any, ...]:
    """(key, answered, unanswered, median h, p90 h, over target)."""
    return (
        group["key"],
        group["answered"],
        group["unanswered"],
        hours(group["medianSeconds"]),
        hours(group["p90Seconds"]),
        group["overTarget"],
    )


def test_overall_median_and_p90_leave_out_author_and_bot_replies(
    feedback_api: Api, admin: str
) -> None:
    """Answered 2, 4, 10, 80 h: median 7 h, p90 10 + 0.7 x 70 = 59 h; over: A, C, D, E, F."""
    report = times(feedback_api, admin, "WEEK")
    assert figures(report["overall"]) == (None, 4, 2, 7.0, 59.0, 5)


def test_grouped_by_week(feedback_api: Api, admin: str) -> None:
    """Week 1: 2, 10, 80 h (median 10, p90 10 + 0.8 x 70 = 66); week 2: 4 h and two unanswered."""
    groups = times(feedback_api, admin, "WEEK")["groups"]
    assert [figures(g) for g in groups] == [
        ("2026-06-01", 3, 0, 10.0, 66.0, 2),
        ("2026-06-08", 1, 2, 4.0, 4.0, 3),
    ]
    assert [g["week"] for g in groups] == ["2026-06-01", "2026-06-08"]


def test_grouped_by_channel(feedback_api: Api, admin: str) -> None:
    """The channel each item came in on; the span leaves the late forum item out."""
    groups = times(feedback_api, admin, "CHANNEL")["groups"]
    assert [figures(g) for g in groups] == [
        ("forum", 3, 0, 10.0, 66.0, 2),
        ("github", 1, 2, 4.0, 4.0, 3),
    ]
    assert [g["channel"] for g in groups] == ["forum", "github"]


def test_grouped_by_priority_with_configured_and_default_targets(
    feedback_api: Api, admin: str
) -> None:
    """Urgent (3 h, configured): 10 and 4 h both over; untriaged C at 80 h is over 72 h."""
    report = times(feedback_api, admin, "PRIORITY")
    assert [figures(g) for g in report["groups"]] == [
        ("high", 1, 0, 2.0, 2.0, 0),
        ("low", 0, 1, None, None, 1),
        ("normal", 0, 1, None, None, 1),
        ("urgent", 2, 0, 7.0, 9.4, 2),
        (None, 1, 0, 80.0, 80.0, 1),
    ]
    assert [g["priority"] for g in report["groups"]] == ["HIGH", "LOW", "NORMAL", "URGENT", None]
    targets = {t["priority"]: t["hours"] for t in report["targets"]}
    assert targets == {"URGENT": 3.0, "HIGH": 24.0, "NORMAL": 72.0, "LOW": 168.0, None: 72.0}


def test_an_empty_span_has_no_groups(feedback_api: Api, admin: str) -> None:
    """Nothing submitted: no group, and an overall row of zeros."""
    variables = {"from": END.isoformat(), "to": END.isoformat(), "by": "WEEK"}
    report = query(feedback_api, RESPONSE_TIMES, admin, **variables)["responseTimes"]
    assert report["groups"] == []
    assert figures(report["overall"]) == (None, 0, 0, None, None, 0)


def test_every_role_reads_the_reports(feedback_api: Api) -> None:
    """The product team and read-only roles see the same figures."""
    for role in (Role.PRODUCT, Role.MARKETING, Role.VIEWER):
        report = times(feedback_api, feedback_api.key(role), "WEEK")
        assert figures(report["overall"]) == (None, 4, 2, 7.0, 59.0, 5)


def test_summary_counts_by_kind_status_area_and_week(feedback_api: Api, admin: str) -> None:
    """Six items in the span (the late one is out), B answered."""
    variables = {"from": WEEK_1.isoformat(), "to": END.isoformat()}
    summary = query(feedback_api, SUMMARY, admin, **variables)["feedbackSummary"]
    assert summary["total"] == 6
    assert summary["byKind"] == [
        {"kind": "FEATURE_REQUEST", "items": 3},
        {"kind": "BUG", "items": 2},
        {"kind": "QUESTION", "items": 1},
    ]
    assert summary["byStatus"] == [
        {"status": "OPEN", "items": 5},
        {"status": "ANSWERED", "items": 1},
    ]
    assert summary["byProductArea"] == [
        {"productArea": "billing", "items": 2},
        {"productArea": "search", "items": 2},
        {"productArea": None, "items": 2},
    ]
    assert summary["byWeek"] == [
        {"week": "2026-06-01", "isoWeek": "2026-W23", "items": 3},
        {"week": "2026-06-08", "isoWeek": "2026-W24", "items": 3},
    ]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (END, WEEK_1, "from: must not be after to"),
        (WEEK_1.replace(tzinfo=None), END, "from: must include a timezone offset"),
        (WEEK_1, END.replace(tzinfo=None), "to: must include a timezone offset"),
        (WEEK_1.replace(year=1), END, "from: must be in the years 1900 to 2999"),
    ],
)
def test_bad_spans_are_refused_naming_the_argument(
    feedback_api: Api, admin: str, start: datetime, end: datetime, message: str
) -> None:
    """Both reports check from and to at the edge."""
    variables = {"from": start.isoformat(), "to": end.isoformat()}
    assert refused(feedback_api, SUMMARY, admin, **variables) == message
    variables["by"] = "CHANNEL"
    assert refused(feedback_api, RESPONSE_TIMES, admin, **variables) == message
