"""The feedback desk's unit tests re-run on PostgreSQL, and writers racing in real threads."""

from __future__ import annotations

import threading
from uuid import UUID

import pytest

from application.runtime import Runtime
from domain.feedback import CanonicalIsDuplicate, HasDuplicates
from domain.feedback import commands as fc
from tests.unit.feedback.conftest import Desk
from tests.unit.feedback.test_desk import (
    test_a_response_refuses_unknown_and_erased_responders,
    test_a_response_takes_the_responders_flags_from_their_record,
    test_duplicate_groups_stay_one_level_deep,
    test_duplicates_mark_and_unmark,
    test_loops_close_once_per_member_who_asked_or_supported,
    test_only_praise_and_criticism_count_as_the_author_speaking,
    test_status_changes_follow_the_workflow,
    test_submit_records_the_item_and_lets_a_quiet_author_come_back,
    test_submit_refuses_a_moment_in_the_future,
    test_submit_refuses_unknown_and_erased_members,
    test_support_once_per_member_and_withdrawal,
    test_tracker_links,
    test_triage_places_the_item,
    test_unknown_items_are_not_found,
)

pytestmark = pytest.mark.integration

__all__ = [
    "test_a_response_refuses_unknown_and_erased_responders",
    "test_a_response_takes_the_responders_flags_from_their_record",
    "test_duplicate_groups_stay_one_level_deep",
    "test_duplicates_mark_and_unmark",
    "test_loops_close_once_per_member_who_asked_or_supported",
    "test_only_praise_and_criticism_count_as_the_author_speaking",
    "test_status_changes_follow_the_workflow",
    "test_submit_records_the_item_and_lets_a_quiet_author_come_back",
    "test_submit_refuses_a_moment_in_the_future",
    "test_submit_refuses_unknown_and_erased_members",
    "test_support_once_per_member_and_withdrawal",
    "test_tracker_links",
    "test_triage_places_the_item",
    "test_unknown_items_are_not_found",
    "test_supporters_racing_in_threads_all_count",
    "test_opposite_merges_racing_never_make_a_group_two_levels_deep",
]
WRITERS = 8


@pytest.fixture
def desk(runtime: Runtime) -> Desk:
    """The desk's helpers over the Community on PostgreSQL, as the composition root wires it."""
    return Desk(runtime.community)


def test_supporters_racing_in_threads_all_count(desk: Desk) -> None:
    """Writers that lose the race on PostgreSQL act again on the new state: none is lost."""
    item_id = desk.submit()
    backers = [desk.member() for _ in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def support(member_id: UUID) -> None:
        start.wait()
        try:
            desk.desk.support(fc.SupportFeedback(item_id=item_id, member_id=member_id))
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            failures.append(error)

    threads = [threading.Thread(target=support, args=(m,)) for m in backers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    item = desk.desk.get_item(item_id)
    assert set(item.supporters) == set(backers) and item.version == 1 + WRITERS


def test_opposite_merges_racing_never_make_a_group_two_levels_deep(desk: Desk) -> None:
    """A into B and B into C at once: both save B, so one loses, retries, and is refused."""
    staff = desk.member(staff=True)
    for _ in range(10):
        a, b, c = desk.submit(), desk.submit(), desk.submit()
        outcomes = _at_once(
            desk,
            [
                fc.MarkFeedbackDuplicate(item_id=a, canonical_id=b, marked_by=staff),
                fc.MarkFeedbackDuplicate(item_id=b, canonical_id=c, marked_by=staff),
            ],
        )
        assert outcomes.count("merged") == 1, outcomes
        items = {i: desk.desk.get_item(i) for i in (a, b, c)}
        for item in items.values():
            # No item is both a duplicate and the canonical item of others.
            assert item.duplicate_of is None or not item.duplicates
            if item.duplicate_of is not None:
                assert items[item.duplicate_of].duplicates == {item.id}


def _at_once(desk: Desk, merges: list[fc.MarkFeedbackDuplicate]) -> list[str]:
    """Run the merges in threads released together; each one's outcome."""
    start = threading.Barrier(len(merges))
    outcomes: list[str] = []

    def merge(command: fc.MarkFeedbackDuplicate) -> None:
        start.wait()
        try:
            desk.desk.mark_duplicate(command)
            outcomes.append("merged")
        except (CanonicalIsDuplicate, HasDuplicates) as refused:
            outcomes.append(type(refused).__name__)

    threads = [threading.Thread(target=merge, args=(m,)) for m in merges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes
