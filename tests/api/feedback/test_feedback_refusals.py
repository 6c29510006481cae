"""Hostile and mistaken input to the feedback mutations: each a typed error, nothing recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from tests.api.conftest import Api, succeed
from tests.api.feedback.helpers import done, member, run, submit


def _fields(result: dict[str, Any]) -> list[str]:
    assert result["__typename"] == "ValidationFailed", result
    return [error["field"] for error in result["fieldErrors"]]


def test_support_twice_and_by_the_author_are_conflicts(api: Api, admin_key: str) -> None:
    author, backer = member(api, admin_key), member(api, admin_key)
    item_id = submit(api, admin_key, author)["itemId"]
    support = {"itemId": item_id, "memberId": backer, "importance": "IMPORTANT"}
    assert done(api, "supportFeedback", support, key=admin_key)["version"] == 2
    twice = run(api, "supportFeedback", support, key=admin_key)
    assert (twice["__typename"], twice["code"]) == ("Conflict", "FEEDBACK_CONFLICT")
    assert "already supports" in twice["message"]
    own = run(api, "supportFeedback", {"itemId": item_id, "memberId": author}, key=admin_key)
    assert (own["__typename"], own["code"]) == ("Conflict", "FEEDBACK_CONFLICT")
    assert api.services.use_cases.feedback.get_item(UUID(item_id)).version == 2


def test_unknown_items_and_members_are_not_found(api: Api, admin_key: str) -> None:
    unknown = str(uuid4())
    author = member(api, admin_key)
    item_id = submit(api, admin_key, author)["itemId"]
    cases = [
        ("supportFeedback", {"itemId": unknown, "memberId": author}),
        ("supportFeedback", {"itemId": item_id, "memberId": unknown}),
        ("submitFeedback", {"authorId": unknown, "channel": "EMAIL", "kind": "BUG", "text": "x"}),
        ("respondToFeedback", {"itemId": item_id, "responderId": unknown, "channel": "EMAIL"}),
        ("markFeedbackDuplicate", {"itemId": item_id, "canonicalId": unknown, "markedBy": author}),
        # A member's id is not a feedback item's.
        ("unlinkFeedbackFromTracker", {"itemId": author}),
    ]
    for name, fields in cases:
        result = run(api, name, fields, key=admin_key)
        assert result["__typename"] == "NotFound", (name, result)
        assert result["id"] in (unknown, author), result


def test_an_erased_member_cannot_be_named(api: Api, admin_key: str) -> None:
    erased, author = member(api, admin_key), member(api, admin_key)
    succeed(api, "eraseMember", {"memberId": erased}, key=admin_key)
    item_id = submit(api, admin_key, author)["itemId"]
    cases = [
        ("submitFeedback", {"authorId": erased, "channel": "EMAIL", "kind": "BUG", "text": "x"}),
        ("supportFeedback", {"itemId": item_id, "memberId": erased}),
        ("respondToFeedback", {"itemId": item_id, "responderId": erased, "channel": "EMAIL"}),
        (
            "recordFeedbackLoopClosed",
            {"itemId": item_id, "memberId": author, "channel": "EMAIL", "toldBy": erased},
        ),
    ]
    for name, fields in cases:
        result = run(api, name, fields, key=admin_key)
        assert (result["__typename"], result.get("code")) == ("Conflict", "MEMBER_ERASED"), name


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": "x" * 20_001}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "spoof \u202e gpj.exe"}, "text"),
        ({"sourceUrl": "javascript:alert(1)"}, "sourceUrl"),
        ({"sourceUrl": "https://"}, "sourceUrl"),
        ({"sourceUrl": "https://example.org/" + "a" * 2000}, "sourceUrl"),
        ({"productArea": "a" * 101}, "productArea"),
        ({"submittedAt": "2024-05-01T10:00:00"}, "submittedAt"),
        ({"submittedAt": (datetime.now(UTC) + timedelta(days=2)).isoformat()}, "submittedAt"),
        ({"submittedAt": "1900-01-01T00:00:00+00:00"}, "submittedAt"),
        ({"authorId": "not-a-uuid"}, "authorId"),
    ],
)
def test_bad_submissions_name_the_field(
    api: Api, admin_key: str, fields: dict[str, Any], field: str
) -> None:
    base = {"authorId": member(api, admin_key), "channel": "EMAIL", "kind": "IDEA", "text": "Hi"}
    assert _fields(run(api, "submitFeedback", base | fields, key=admin_key)) == [field]


def test_bad_tracker_links_and_times_name_the_field(api: Api, admin_key: str) -> None:
    author = member(api, admin_key)
    item_id = submit(api, admin_key, author)["itemId"]
    link = {"itemId": item_id, "url": "https://t.example.org/1", "key": "T-1"}
    for fields, field in [
        ({"url": "ftp://t.example.org/1"}, "url"),
        ({"url": "https://t.example.org/ a"}, "url"),
        ({"key": "T 1"}, "key"),
        ({"key": ""}, "key"),
        ({"itemId": "42"}, "itemId"),
        ({"expectedVersion": 0}, "expectedVersion"),
    ]:
        assert _fields(run(api, "linkFeedbackToTracker", link | fields, key=admin_key)) == [field]
    told = {"itemId": item_id, "memberId": author, "channel": "EMAIL", "toldBy": author}
    before = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    assert _fields(
        run(api, "recordFeedbackLoopClosed", told | {"toldAt": before}, key=admin_key)
    ) == ["toldAt"]
    assert api.services.use_cases.feedback.get_item(UUID(item_id)).version == 1


def test_a_stale_expected_version_is_a_version_mismatch(api: Api, admin_key: str) -> None:
    item_id = submit(api, admin_key)["itemId"]
    done(
        api, "triageFeedback", {"itemId": item_id, "team": "A", "expectedVersion": 1}, key=admin_key
    )
    stale = run(
        api, "triageFeedback", {"itemId": item_id, "team": "B", "expectedVersion": 1}, key=admin_key
    )
    assert (stale["__typename"], stale["code"], stale["currentVersion"]) == (
        "Conflict",
        "VERSION_MISMATCH",
        2,
    )
    assert "feedback" in stale["message"]
