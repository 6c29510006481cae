"""The unit tier's Community use-case tests, re-run on PostgreSQL: one body, two persistences.

The test functions are those of tests/unit (collected here again); only the `community`
fixture differs: the Runtime's, on a fresh migrated database.
"""

from __future__ import annotations

import pytest

from application.members.community import Community
from application.runtime import Runtime
from tests.unit.interactions.test_recording import (
    test_an_erased_member_takes_no_new_interactions,
    test_an_external_id_is_recorded_once_in_a_batch_and_in_a_later_one,
    test_an_unknown_handle_becomes_one_new_member_once,
)
from tests.unit.members.test_community import (
    test_a_handle_held_by_another_member_is_refused_naming_the_holder,
    test_a_joined_member_reads_back_with_its_identities,
    test_a_profile_update_expecting_an_old_version_is_refused,
    test_an_erased_member_releases_its_handles,
    test_an_expected_version_that_is_no_longer_current_is_refused,
    test_an_unlinked_handle_can_be_linked_by_another_member,
    test_erasure_shreds_the_key_and_leaves_the_history_unreadable,
)

pytestmark = pytest.mark.integration

__all__ = [
    "test_a_handle_held_by_another_member_is_refused_naming_the_holder",
    "test_a_joined_member_reads_back_with_its_identities",
    "test_a_profile_update_expecting_an_old_version_is_refused",
    "test_an_erased_member_releases_its_handles",
    "test_an_erased_member_takes_no_new_interactions",
    "test_an_expected_version_that_is_no_longer_current_is_refused",
    "test_an_external_id_is_recorded_once_in_a_batch_and_in_a_later_one",
    "test_an_unknown_handle_becomes_one_new_member_once",
    "test_an_unlinked_handle_can_be_linked_by_another_member",
    "test_erasure_shreds_the_key_and_leaves_the_history_unreadable",
]


@pytest.fixture
def community(runtime: Runtime) -> Community:
    """The Community on PostgreSQL, as the composition root wires it."""
    return runtime.community
