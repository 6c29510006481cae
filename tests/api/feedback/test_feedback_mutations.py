"""Every feedback mutation over HTTP: each success answers with the item's id and version."""

from __future__ import annotations

from uuid import UUID

from tests.api.conftest import Api
from tests.api.feedback.helpers import done, member, run, submit


def test_an_item_from_submission_to_the_loop_closed(api: Api, admin_key: str) -> None:
    """Submit, triage, answer, support, move, link, close the loop: each a new version."""
    author, backer = member(api, admin_key), member(api, admin_key)
    staff = member(api, admin_key, staff=True)
    submitted = submit(
        api,
        admin_key,
        author,
        submittedBy=staff,
        sourceUrl="https://forum.example.org/t/42",
        productArea="Editor",
    )
    item_id = submitted["itemId"]
    assert submitted["version"] == 1
    steps = [
        ("triageFeedback", {"priority": "HIGH", "team": "Core", "productArea": "Editor"}),
        ("respondToFeedback", {"responderId": staff, "channel": "DISCORD"}),
        ("supportFeedback", {"memberId": backer, "importance": "CRITICAL"}),
        ("changeFeedbackStatus", {"status": "UNDER_REVIEW", "changedBy": staff}),
        ("linkFeedbackToTracker", {"url": "https://t.example.org/P-7", "key": "P-7"}),
        ("changeFeedbackStatus", {"status": "PLANNED", "changedBy": staff, "reason": "Q3"}),
        ("recordFeedbackLoopClosed", {"memberId": backer, "channel": "EMAIL", "toldBy": staff}),
        ("unlinkFeedbackFromTracker", {}),
        ("withdrawFeedbackSupport", {"memberId": backer}),
    ]
    assert submitted["item"]["text"].startswith("Dark mode") and submitted["item"]["id"] == item_id
    answers = {}
    for version, (name, fields) in enumerate(steps, start=2):
        result = done(api, name, {"itemId": item_id, **fields}, key=admin_key)
        assert (result["itemId"], result["version"]) == (item_id, version), name
        # Read your write: the item as the read model holds it after this change.
        assert result["item"]["version"] == version, name
        answers[name] = result["item"]
    assert answers["triageFeedback"]["priority"] == "HIGH"
    assert answers["respondToFeedback"]["firstResponseAt"] is not None
    assert answers["linkFeedbackToTracker"]["trackerKey"] == "P-7"
    assert answers["recordFeedbackLoopClosed"]["loopClosed"] == 1
    assert answers["withdrawFeedbackSupport"]["supporterCount"] == 0
    assert answers["changeFeedbackStatus"]["status"] == "PLANNED"
    item = api.services.use_cases.feedback.get_item(UUID(item_id))
    assert item.status.value == "planned" and item.told == {UUID(backer)}
    assert (item.priority, item.team, item.tracker, item.supporters) == ("high", "Core", None, {})
    assert item.first_response_at is not None and item.submitted_by == UUID(staff)


def test_a_loop_closed_again_records_nothing(api: Api, admin_key: str) -> None:
    author, staff = member(api, admin_key), member(api, admin_key, staff=True)
    item_id = submit(api, admin_key, author)["itemId"]
    told = {"itemId": item_id, "memberId": author, "channel": "EMAIL", "toldBy": staff}
    first = done(api, "recordFeedbackLoopClosed", told, key=admin_key)
    again = done(api, "recordFeedbackLoopClosed", told, key=admin_key)
    assert (first["alreadyTold"], first["version"]) == (False, 2)
    assert (again["alreadyTold"], again["version"]) == (True, 2)


def test_duplicates_mark_and_unmark_over_http(api: Api, admin_key: str) -> None:
    staff = member(api, admin_key, staff=True)
    canonical, duplicate, third = (submit(api, admin_key)["itemId"] for _ in range(3))
    marked = done(
        api,
        "markFeedbackDuplicate",
        {"itemId": duplicate, "canonicalId": canonical, "markedBy": staff},
        key=admin_key,
    )
    assert marked["version"] == 2 and marked["item"]["duplicateOf"] == canonical
    nested = run(
        api,
        "markFeedbackDuplicate",
        {"itemId": third, "canonicalId": duplicate, "markedBy": staff},
        key=admin_key,
    )
    assert nested["__typename"] == "FeedbackGroupConflict", nested
    assert (nested["code"], nested["canonicalId"]) == ("CANONICAL_IS_DUPLICATE", canonical)
    assert canonical in nested["message"]
    unmarked = done(
        api, "unmarkFeedbackDuplicate", {"itemId": duplicate, "unmarkedBy": staff}, key=admin_key
    )
    assert unmarked["version"] == 3
    again = run(
        api, "unmarkFeedbackDuplicate", {"itemId": duplicate, "unmarkedBy": staff}, key=admin_key
    )
    assert (again["__typename"], again["code"]) == ("Conflict", "FEEDBACK_CONFLICT")


def test_praise_by_a_member_is_recorded_once_as_feedback(api: Api, admin_key: str) -> None:
    """Praise goes through the returns port; the feedback event is its only record."""
    author = member(api, admin_key)
    before = api.services.community.recorder.max_notification_id()
    result = submit(api, admin_key, author, kind="PRAISE", text="Love the new editor")
    after = api.services.community.recorder.max_notification_id()
    assert result["version"] == 1
    # One event: the submission (an active member's stage does not change).
    assert after - before == 1


def test_an_item_others_name_canonical_cannot_become_a_duplicate(api: Api, admin_key: str) -> None:
    """Groups stay one level deep: the read model says which items name an item canonical."""
    staff = member(api, admin_key, staff=True)
    top, duplicate, other = (submit(api, admin_key)["itemId"] for _ in range(3))
    mark = {"itemId": duplicate, "canonicalId": top, "markedBy": staff}
    done(api, "markFeedbackDuplicate", mark, key=admin_key)
    refused = run(
        api,
        "markFeedbackDuplicate",
        {"itemId": top, "canonicalId": other, "markedBy": staff},
        key=admin_key,
    )
    assert refused["__typename"] == "FeedbackGroupConflict", refused
    assert (refused["code"], refused["duplicateIds"]) == ("FEEDBACK_HAS_DUPLICATES", [duplicate])
    # Once the duplicate stands alone again, the mark is allowed.
    done(api, "unmarkFeedbackDuplicate", {"itemId": duplicate, "unmarkedBy": staff}, key=admin_key)
    moved = done(
        api,
        "markFeedbackDuplicate",
        {"itemId": top, "canonicalId": other, "markedBy": staff},
        key=admin_key,
    )
    assert moved["item"]["duplicateOf"] == other
