"""The unit tier's merge tests, re-run on PostgreSQL: one body, two persistences.

On PostgreSQL the two concurrent merges of one source really race in the database: one
save fails on the source's version, and its retry meets the source already merged.
"""

from __future__ import annotations

import pytest

from application.members.community import Community
from application.runtime import Runtime
from tests.unit.members.test_merging import (
    test_a_merge_marks_both_members_and_keeps_the_source_whole,
    test_a_rejected_match_is_remembered_once_whichever_way_round,
    test_an_unmerge_gives_back_the_members_as_they_were,
    test_erasing_a_merged_member_erases_every_person_involved,
    test_interactions_through_a_merged_identity_stay_the_sources_in_the_log,
    test_merges_that_cannot_be_one_person_are_refused,
    test_two_merges_of_one_source_at_once_one_wins,
)

pytestmark = pytest.mark.integration

__all__ = [
    "test_a_merge_marks_both_members_and_keeps_the_source_whole",
    "test_a_rejected_match_is_remembered_once_whichever_way_round",
    "test_an_unmerge_gives_back_the_members_as_they_were",
    "test_erasing_a_merged_member_erases_every_person_involved",
    "test_interactions_through_a_merged_identity_stay_the_sources_in_the_log",
    "test_merges_that_cannot_be_one_person_are_refused",
    "test_two_merges_of_one_source_at_once_one_wins",
]


@pytest.fixture
def community(runtime: Runtime) -> Community:
    """The Community on PostgreSQL, as the composition root wires it."""
    return runtime.community
