"""The feedback desk's unit tests re-run on PostgreSQL, and writers racing in real threads."""

from __future__ import annotations

import threading
from uuid import UUID

import pytest

from application.runtime import Runtime
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
