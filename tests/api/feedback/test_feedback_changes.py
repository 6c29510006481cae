"""feedbackChanges over real HTTP: the product team's pull, resumed from its cursor."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from api.auth import Role
from domain.feedback.workflow import FeedbackStatus
from projections.feedback.feed import encode_feed_cursor
from tests.api.conftest import Api
from tests.api.feedback.conftest import Desk, member, query, refused

CHANGES = """
query Changes($after: String, $first: Int! = 100) {
  feedbackChanges(after: $after, first: $first) {
    entries { changes item { id status trackerKey text } }
    endCursor hasMore
  }
}
"""


@pytest.fixture(scope="module")
def product(feedback_api: Api) -> str:
    """The product team's key: it reads the feed."""
    return feedback_api.key(Role.PRODUCT)


@pytest.fixture(scope="module")
def submitted(feedback_api: Api, desk: Desk) -> list[str]:
    """Five items, in the order they were submitted."""
    author = member(feedback_api, feedback_api.key(Role.ADMIN))
    return [desk.submit(author, text=f"item number {n}") for n in range(5)]


def changes(api: Api, key: str, **variables: Any) -> dict[str, Any]:
    """One page of the feed."""
    page: dict[str, Any] = query(api, CHANGES, key, **variables)["feedbackChanges"]
    return page


def test_the_feed_pages_in_commit_order_and_resumes_from_its_cursor(
    feedback_api: Api, desk: Desk, product: str, submitted: list[str]
) -> None:
    """Two pages, then nothing new, then only what changed since, once, with its kinds."""
    first = changes(feedback_api, product, first=3)
    assert [e["item"]["id"] for e in first["entries"]] == submitted[:3]
    assert all(e["changes"] == ["SUBMITTED"] for e in first["entries"])
    assert first["hasMore"] is True
    rest = changes(feedback_api, product, after=first["endCursor"])
    assert [e["item"]["id"] for e in rest["entries"]] == submitted[3:]
    assert rest["hasMore"] is False
    idle = changes(feedback_api, product, after=rest["endCursor"])
    assert idle == {"entries": [], "endCursor": rest["endCursor"], "hasMore": False}
    staff = UUID(int=1)
    desk.act(submitted[1], lambda i: i.link_tracker("https://tracker.example/PRJ-1", "PRJ-1"))
    desk.act(submitted[3], lambda i: i.change_status(FeedbackStatus.UNDER_REVIEW, changed_by=staff))
    desk.act(submitted[1], lambda i: i.change_status(FeedbackStatus.DECLINED, changed_by=staff))
    since = changes(feedback_api, product, after=rest["endCursor"])
    assert [(e["item"]["id"], e["changes"]) for e in since["entries"]] == [
        (submitted[3], ["STATUS_CHANGED"]),
        (submitted[1], ["TRACKER_LINKED", "STATUS_CHANGED"]),
    ]
    latest = since["entries"][1]["item"]
    assert latest["status"] == "DECLINED" and latest["trackerKey"] == "PRJ-1"
    assert latest["text"] == "item number 1"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 0}, "first must be between 1 and 1000"),
        ({"first": 1001}, "first must be between 1 and 1000"),
        ({"after": "garbage!"}, "after: not a cursor of the feedback change feed"),
        (
            {"after": "ZmVlZGJhY2stZmVlZDp2MTotMQ=="},
            "after: not a cursor of the feedback change feed",
        ),
        (
            {"after": encode_feed_cursor(2**63)},
            "after: not a cursor of the feedback change feed",
        ),
    ],
)
def test_bad_pages_and_cursors_are_refused(
    feedback_api: Api, product: str, variables: dict[str, Any], message: str
) -> None:
    """first is 1 to 1000; a cursor must be one the feed handed out."""
    assert refused(feedback_api, CHANGES, product, **variables) == message


def test_a_list_cursor_is_not_a_feed_cursor(
    feedback_api: Api, product: str, submitted: list[str]
) -> None:
    """The feed refuses the cursors of feedbackItems."""
    listed = query(feedback_api, "{ feedbackItems(first: 1) { pageInfo { endCursor } } }", product)
    cursor = listed["feedbackItems"]["pageInfo"]["endCursor"]
    message = refused(feedback_api, CHANGES, product, after=cursor)
    assert message == "after: not a cursor of the feedback change feed"
