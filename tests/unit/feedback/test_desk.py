"""The feedback desk: each use case, and each refusal, on an in-memory Community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidField, MemberIsErased, MemberNotFound
from domain.feedback import (
    CanonicalIsDuplicate,
    FeedbackConflict,
    FeedbackNotFound,
    FeedbackStatus,
    HasDuplicates,
    IllegalStatusChange,
    Importance,
)
from domain.feedback import commands as fc
from domain.interactions.commands import RecordInteraction
from domain.moments import MomentInTheFuture
from tests.unit.feedback.conftest import Desk


def test_submit_records_the_item_and_lets_a_quiet_author_come_back(desk: Desk) -> None:
    author, staff = desk.member(), desk.member(staff=True)
    at = datetime.now(UTC) - timedelta(days=3)
    item_id = desk.submit(
        author, kind="praise", submitted_by=staff, submitted_at=at, source_url="https://x.org/1"
    )
    item = desk.desk.get_item(item_id)
    assert (item.author_id, item.submitted_by, item.submitted_at) == (author, staff, at)
    assert item.source_url == "https://x.org/1" and item.status is FeedbackStatus.OPEN
    assert desk.spoken.calls == [(author, "discord", at)]


def test_only_praise_and_criticism_count_as_the_author_speaking(desk: Desk) -> None:
    desk.submit(kind="criticism")
    desk.submit(kind="bug")
    desk.submit(kind="question")
    assert [call[1] for call in desk.spoken.calls] == ["discord"]


@pytest.mark.parametrize("who", ["author_id", "submitted_by"])
def test_submit_refuses_unknown_and_erased_members(desk: Desk, who: str) -> None:
    base = {"author_id": desk.member(), "channel": "forum", "kind": "idea", "text": "x"}
    with pytest.raises(MemberNotFound):
        desk.desk.submit(fc.SubmitFeedback(**(base | {who: uuid4()})))
    with pytest.raises(MemberIsErased):
        desk.desk.submit(fc.SubmitFeedback(**(base | {who: desk.member(erased=True)})))


def test_feedback_taken_from_an_interaction_names_one_of_its_authors(desk: Desk) -> None:
    author, other = desk.member(), desk.member()
    report = desk.community.record_interactions(
        [
            RecordInteraction(
                member_id=other,
                channel="forum",
                kind="post",
                occurred_at=datetime.now(UTC) - timedelta(hours=1),
                external_id="post-1",
            )
        ],
        create_unknown_members=False,
    )
    theirs = report.interaction_ids[0]
    assert theirs is not None
    with pytest.raises(InvalidField, match="source_interaction_id: no interaction"):
        desk.submit(author, source_interaction_id=uuid4())
    with pytest.raises(InvalidField, match="source_interaction_id: is an interaction of another"):
        desk.submit(author, source_interaction_id=theirs)
    item_id = desk.submit(other, kind="praise", source_interaction_id=theirs)
    assert desk.desk.get_item(item_id).source_interaction_id == theirs


def test_submit_refuses_a_moment_in_the_future(desk: Desk) -> None:
    with pytest.raises(MomentInTheFuture):
        desk.submit(submitted_at=datetime.now(UTC) + timedelta(days=2))


def test_unknown_items_are_not_found(desk: Desk) -> None:
    member = desk.member()
    with pytest.raises(FeedbackNotFound):
        desk.desk.support(fc.SupportFeedback(item_id=uuid4(), member_id=member))
    # A member's id names no feedback item either.
    with pytest.raises(FeedbackNotFound):
        desk.desk.unlink_tracker(fc.UnlinkFeedbackFromTracker(item_id=member))


def test_triage_places_the_item(desk: Desk) -> None:
    item_id = desk.submit()
    change = desk.desk.triage(
        fc.TriageFeedback(item_id=item_id, product_area="Editor", priority="high", team="Core")
    )
    assert (change.item.product_area, change.item.priority, change.item.team) == (
        "Editor",
        "high",
        "Core",
    )
    assert change.position is not None and change.item.version == 2


def test_a_response_takes_the_responders_flags_from_their_record(desk: Desk) -> None:
    item_id = desk.submit(submitted_at=datetime.now(UTC) - timedelta(days=1))
    bot, staff = desk.member(bot=True), desk.member(staff=True)
    desk.desk.respond(fc.RespondToFeedback(item_id=item_id, responder_id=bot, channel="discord"))
    assert desk.desk.get_item(item_id).first_response_at is None  # bots do not count
    at = datetime.now(UTC) - timedelta(minutes=5)
    change = desk.desk.respond(
        fc.RespondToFeedback(item_id=item_id, responder_id=staff, channel="email", responded_at=at)
    )
    assert change.item.first_response_at == at
    events = list(desk.community.events.get(item_id))
    assert [(e.by_bot, e.by_staff) for e in events[1:]] == [(True, False), (False, True)]


def test_a_response_refuses_unknown_and_erased_responders(desk: Desk) -> None:
    item_id = desk.submit()
    for responder, error in ((uuid4(), MemberNotFound), (desk.member(erased=True), MemberIsErased)):
        with pytest.raises(error):
            desk.desk.respond(
                fc.RespondToFeedback(item_id=item_id, responder_id=responder, channel="email")
            )


def test_support_once_per_member_and_withdrawal(desk: Desk) -> None:
    item_id = desk.submit()
    backer = desk.member()
    desk.desk.support(fc.SupportFeedback(item_id=item_id, member_id=backer, importance="critical"))
    with pytest.raises(FeedbackConflict, match="already supports"):
        desk.desk.support(fc.SupportFeedback(item_id=item_id, member_id=backer))
    assert desk.desk.get_item(item_id).supporters == {backer: Importance.CRITICAL}
    desk.desk.withdraw_support(fc.WithdrawFeedbackSupport(item_id=item_id, member_id=backer))
    with pytest.raises(FeedbackConflict, match="does not support"):
        desk.desk.withdraw_support(fc.WithdrawFeedbackSupport(item_id=item_id, member_id=backer))
    for member, error in ((uuid4(), MemberNotFound), (desk.member(erased=True), MemberIsErased)):
        with pytest.raises(error):
            desk.desk.support(fc.SupportFeedback(item_id=item_id, member_id=member))


def test_status_changes_follow_the_workflow(desk: Desk) -> None:
    item_id, staff = desk.submit(), desk.member(staff=True)

    def move(status: str) -> None:
        desk.desk.change_status(
            fc.ChangeFeedbackStatus(
                item_id=item_id,
                status=status,
                changed_by=staff,
                reason="why",
                notify_supporters=True,
            )
        )

    move("under_review")
    move("planned")
    with pytest.raises(IllegalStatusChange) as refused:
        move("shipped")
    assert (refused.value.current, refused.value.wanted) == (
        FeedbackStatus.PLANNED,
        FeedbackStatus.SHIPPED,
    )
    move("declined")
    move("open")
    assert desk.desk.get_item(item_id).status is FeedbackStatus.OPEN
    with pytest.raises(MemberIsErased):
        desk.desk.change_status(
            fc.ChangeFeedbackStatus(
                item_id=item_id, status="answered", changed_by=desk.member(erased=True)
            )
        )


def test_duplicates_mark_and_unmark(desk: Desk) -> None:
    canonical, duplicate, staff = desk.submit(), desk.submit(), desk.member(staff=True)
    mark = fc.MarkFeedbackDuplicate(item_id=duplicate, canonical_id=canonical, marked_by=staff)
    assert desk.desk.mark_duplicate(mark).item.duplicate_of == canonical
    with pytest.raises(FeedbackConflict, match="already duplicates"):
        desk.desk.mark_duplicate(mark)
    # The canonical item records the merge too, in the same transaction.
    assert desk.desk.get_item(canonical).duplicates == {duplicate}
    unmark = fc.UnmarkFeedbackDuplicate(item_id=duplicate, unmarked_by=staff)
    assert desk.desk.unmark_duplicate(unmark).item.duplicate_of is None
    assert desk.desk.get_item(canonical).duplicates == set()
    with pytest.raises(FeedbackConflict, match="not marked"):
        desk.desk.unmark_duplicate(unmark)
    with pytest.raises(FeedbackConflict, match="itself"):
        desk.desk.mark_duplicate(
            fc.MarkFeedbackDuplicate(item_id=canonical, canonical_id=canonical, marked_by=staff)
        )
    with pytest.raises(FeedbackNotFound):
        desk.desk.mark_duplicate(
            fc.MarkFeedbackDuplicate(item_id=duplicate, canonical_id=uuid4(), marked_by=staff)
        )


def test_duplicate_groups_stay_one_level_deep(desk: Desk) -> None:
    top, middle, other, staff = desk.submit(), desk.submit(), desk.submit(), desk.member()
    desk.desk.mark_duplicate(
        fc.MarkFeedbackDuplicate(item_id=middle, canonical_id=top, marked_by=staff)
    )
    # Against a duplicate: refused, naming the canonical item to mark against instead.
    with pytest.raises(CanonicalIsDuplicate) as against:
        desk.desk.mark_duplicate(
            fc.MarkFeedbackDuplicate(item_id=other, canonical_id=middle, marked_by=staff)
        )
    assert against.value.canonical_id == top and str(top) in str(against.value)
    # An item others name as canonical cannot become a duplicate itself.
    with pytest.raises(HasDuplicates) as named:
        desk.desk.mark_duplicate(
            fc.MarkFeedbackDuplicate(item_id=top, canonical_id=other, marked_by=staff)
        )
    assert named.value.duplicate_ids == [middle]
    assert desk.desk.get_item(other).duplicate_of is None
    assert desk.desk.get_item(top).duplicate_of is None


def test_tracker_links(desk: Desk) -> None:
    item_id = desk.submit()
    link = fc.LinkFeedbackToTracker(item_id=item_id, url="https://t.example/P-1", key="P-1")
    assert desk.desk.link_tracker(link).item.tracker == ("https://t.example/P-1", "P-1")
    assert desk.desk.link_tracker(link).position is None  # the same link records nothing
    desk.desk.unlink_tracker(fc.UnlinkFeedbackFromTracker(item_id=item_id))
    with pytest.raises(FeedbackConflict, match="not linked"):
        desk.desk.unlink_tracker(fc.UnlinkFeedbackFromTracker(item_id=item_id))


def test_loops_close_once_per_member_who_asked_or_supported(desk: Desk) -> None:
    author, staff, stranger = desk.member(), desk.member(staff=True), desk.member()
    item_id = desk.submit(author)

    def close(member: object, **fields: object) -> int | None:
        command = fc.RecordFeedbackLoopClosed(
            item_id=item_id, member_id=member, channel="email", told_by=staff, **fields
        )
        return desk.desk.close_loop(command).position

    assert close(author) is not None
    assert close(author) is None  # once per member
    with pytest.raises(FeedbackConflict, match="neither asked"):
        close(stranger)
    with pytest.raises(InvalidField, match="submitted"):
        desk.desk.close_loop(
            fc.RecordFeedbackLoopClosed(
                item_id=desk.submit(author),
                member_id=author,
                channel="email",
                told_by=staff,
                told_at=datetime(2000, 1, 1, tzinfo=UTC),
            )
        )
    with pytest.raises(MomentInTheFuture):
        close(author, told_at=datetime.now(UTC) + timedelta(days=3))
    with pytest.raises(MemberNotFound):
        desk.desk.close_loop(
            fc.RecordFeedbackLoopClosed(
                item_id=item_id, member_id=author, channel="email", told_by=uuid4()
            )
        )
    assert desk.desk.get_item(item_id).told == {author}
