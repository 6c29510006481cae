"""The FeedbackItem aggregate: support once per member, timed first responses, reversible merges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import reduce
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import InvalidField
from domain.feedback import (
    FeedbackConflict,
    FeedbackItem,
    FeedbackKind,
    FeedbackStatus,
    IllegalStatusChange,
    Importance,
)
from domain.feedback.events import StatusChanged
from domain.moments import MomentInTheFuture

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)
AUTHOR, STAFF = uuid4(), uuid4()


def item(**changes: Any) -> FeedbackItem:
    fields: dict[str, Any] = {
        "author_id": AUTHOR,
        "channel": "discord",
        "kind": FeedbackKind.FEATURE_REQUEST,
        "text": "Dark mode, please",
        "submitted_at": NOW - timedelta(days=2),
        "now": NOW,
    }
    return FeedbackItem.submit(**(fields | changes))


def replayed(original: FeedbackItem) -> FeedbackItem:
    """The item rebuilt from its own events, as the repository would."""
    events = original.collect_events()
    rebuilt = reduce(lambda state, event: event.mutate(state), events, None)
    assert isinstance(rebuilt, FeedbackItem)
    return rebuilt


def test_feedback_is_submitted_in_the_past_for_imports_never_in_the_future() -> None:
    assert item(submitted_at=NOW - timedelta(days=400)).status is FeedbackStatus.OPEN
    with pytest.raises(MomentInTheFuture):
        item(submitted_at=NOW + timedelta(hours=1))
    with pytest.raises(InvalidField, match="text: must not be empty"):
        item(text="  ")


def test_support_counts_once_per_member_and_can_be_withdrawn() -> None:
    feedback, backer = item(), uuid4()
    feedback.support(backer, Importance.CRITICAL)
    with pytest.raises(FeedbackConflict, match="already supports"):
        feedback.support(backer)
    with pytest.raises(FeedbackConflict, match="author"):
        feedback.support(AUTHOR)
    feedback.withdraw_support(backer)
    with pytest.raises(FeedbackConflict, match="does not support"):
        feedback.withdraw_support(backer)
    assert replayed(feedback).supporters == {}


def test_the_first_response_by_someone_else_and_not_a_bot_is_the_one_timed() -> None:
    feedback = item()
    submitted = feedback.submitted_at
    feedback.respond(
        responder_id=AUTHOR, channel="discord", responded_at=submitted + timedelta(hours=1),
        now=NOW, by_staff=False,
    )  # fmt: skip
    feedback.respond(
        responder_id=uuid4(), channel="discord", responded_at=submitted + timedelta(hours=2),
        now=NOW, by_staff=False, by_bot=True,
    )  # fmt: skip
    feedback.respond(
        responder_id=STAFF, channel="discord", responded_at=submitted + timedelta(hours=5),
        now=NOW, by_staff=True,
    )  # fmt: skip
    assert replayed(feedback).first_response_at == submitted + timedelta(hours=5)
    with pytest.raises(InvalidField, match="responded_at"):
        feedback.respond(
            responder_id=STAFF, channel="discord", responded_at=submitted - timedelta(hours=1),
            now=NOW, by_staff=True,
        )  # fmt: skip


def test_status_follows_the_workflow_and_records_who_and_why() -> None:
    feedback = item()
    feedback.change_status(FeedbackStatus.UNDER_REVIEW, changed_by=STAFF, reason="triage")
    with pytest.raises(IllegalStatusChange):
        feedback.change_status(FeedbackStatus.SHIPPED, changed_by=STAFF)
    feedback.change_status(FeedbackStatus.DECLINED, changed_by=STAFF, notify_supporters=True)
    feedback.change_status(FeedbackStatus.OPEN, changed_by=STAFF, reason="reconsidered")
    events = feedback.collect_events()
    changes = [e for e in events if isinstance(e, StatusChanged)]
    assert [(c.previous, c.status, c.reason) for c in changes] == [
        ("open", "under_review", "triage"),
        ("under_review", "declined", None),
        ("declined", "open", "reconsidered"),
    ]
    assert changes[1].notify_supporters


def test_unmarking_a_duplicate_leaves_the_item_as_its_own_events_made_it() -> None:
    feedback, canonical, backer = item(), uuid4(), uuid4()
    feedback.support(backer)
    feedback.mark_duplicate(canonical, marked_by=STAFF)
    with pytest.raises(FeedbackConflict, match="already duplicates"):
        feedback.mark_duplicate(uuid4(), marked_by=STAFF)
    feedback.unmark_duplicate(unmarked_by=STAFF)
    with pytest.raises(FeedbackConflict, match="not marked"):
        feedback.unmark_duplicate(unmarked_by=STAFF)
    with pytest.raises(FeedbackConflict, match="itself"):
        feedback.mark_duplicate(feedback.id, marked_by=STAFF)
    late = uuid4()
    feedback.support(late)  # support given while it stood alone again counts as any other
    rebuilt = replayed(feedback)
    assert rebuilt.duplicate_of is None
    assert set(rebuilt.supporters) == {backer, late}


def test_a_canonical_item_knows_its_duplicates_and_groups_stay_one_level_deep() -> None:
    canonical, duplicate, elsewhere = item(), item(), uuid4()
    duplicate.mark_duplicate(canonical.id, marked_by=STAFF)
    canonical.attach_duplicate(duplicate.id)
    canonical.attach_duplicate(duplicate.id)  # known already: nothing recorded
    with pytest.raises(FeedbackConflict, match="other items duplicate"):
        canonical.mark_duplicate(elsewhere, marked_by=STAFF)
    with pytest.raises(FeedbackConflict, match="itself a duplicate"):
        duplicate.attach_duplicate(uuid4())
    assert replayed(canonical).duplicates == {duplicate.id}
    canonical.detach_duplicate(duplicate.id)
    canonical.detach_duplicate(duplicate.id)  # gone already: nothing recorded
    assert canonical.version == 3
    canonical.mark_duplicate(elsewhere, marked_by=STAFF)
    assert canonical.duplicate_of == elsewhere


def test_trackers_and_closed_loops() -> None:
    feedback, backer, stranger = item(), uuid4(), uuid4()
    feedback.support(backer)
    feedback.link_tracker("https://tracker.example/ISSUE-1", "ISSUE-1")
    feedback.unlink_tracker()
    with pytest.raises(FeedbackConflict, match="not linked"):
        feedback.unlink_tracker()
    told = {"channel": "email", "told_at": NOW, "told_by": STAFF}
    assert feedback.close_loop(backer, **told) is True
    assert feedback.close_loop(backer, **told) is False  # once per member
    assert feedback.close_loop(AUTHOR, **told) is True
    with pytest.raises(FeedbackConflict, match="neither asked"):
        feedback.close_loop(stranger, **told)
    assert replayed(feedback).told == {backer, AUTHOR}
