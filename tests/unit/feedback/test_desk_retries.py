"""The feedback desk under concurrent writers: act again on the new state, or refuse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from application.feedback.saving import MAX_ATTEMPTS
from application.keyed_hashes import IdentityHasher
from application.members.community import Community
from application.memory import InMemoryClaimStore, InMemoryKeyStore
from domain.errors import ConcurrentModification, VersionMismatch
from domain.feedback import FeedbackModifiedConcurrently, FeedbackVersionMismatch
from domain.feedback import commands as fc
from tests.conftest import TEST_SECRET
from tests.unit.conftest import IN_MEMORY
from tests.unit.feedback.conftest import Desk


class RacingCommunity(Community):
    """A Community where another writer gets in first, just before the next `races` saves."""

    race: Callable[[], Any] | None = None
    races = 0
    _racing = False

    def save(self, *objects: Any, **kwargs: Any) -> Any:
        """Let the rival write first (its own saves do not race), then save."""
        if self.races and self.race is not None and not self._racing:
            self.races -= 1
            self._racing = True
            try:
                self.race()
            finally:
                self._racing = False
        return super().save(*objects, **kwargs)


@pytest.fixture
def racing() -> Desk:
    """A desk over a RacingCommunity, no race armed."""
    keys, claims = InMemoryKeyStore(), InMemoryClaimStore(IdentityHasher(TEST_SECRET.encode()))
    return Desk(RacingCommunity(IN_MEMORY, keyring=keys, claims=claims))


def _arm(desk: Desk, race: Callable[[], Any], times: int) -> None:
    community = desk.community
    assert isinstance(community, RacingCommunity)
    community.race, community.races = race, times


def test_a_lost_race_is_retried_on_the_new_state(racing: Desk) -> None:
    item_id, first, second = racing.submit(), racing.member(), racing.member()
    _arm(
        racing,
        lambda: racing.desk.support(fc.SupportFeedback(item_id=item_id, member_id=first)),
        times=1,
    )
    change = racing.desk.support(fc.SupportFeedback(item_id=item_id, member_id=second))
    assert set(change.item.supporters) == {first, second}
    assert change.item.version == 3


def test_a_lost_race_with_an_expected_version_is_a_version_mismatch(racing: Desk) -> None:
    item_id, staff = racing.submit(), racing.member()
    _arm(
        racing,
        lambda: racing.desk.triage(fc.TriageFeedback(item_id=item_id, team="Rivals")),
        times=1,
    )
    with pytest.raises(FeedbackVersionMismatch) as refused:
        racing.desk.change_status(
            fc.ChangeFeedbackStatus(
                item_id=item_id, status="under_review", changed_by=staff, expected_version=1
            )
        )
    assert (refused.value.expected, refused.value.actual) == (1, 2)
    assert isinstance(refused.value, VersionMismatch) and "feedback" in str(refused.value)
    with pytest.raises(FeedbackVersionMismatch):  # stale before any race, too
        racing.desk.triage(fc.TriageFeedback(item_id=item_id, team="Core", expected_version=1))
    assert racing.desk.get_item(item_id).team == "Rivals"


def test_writers_that_always_win_end_in_a_concurrent_modification(racing: Desk) -> None:
    item_id = racing.submit()
    teams = iter(range(100))
    _arm(
        racing,
        lambda: racing.desk.triage(fc.TriageFeedback(item_id=item_id, team=f"T{next(teams)}")),
        times=MAX_ATTEMPTS,
    )
    with pytest.raises(FeedbackModifiedConcurrently) as refused:
        racing.desk.triage(fc.TriageFeedback(item_id=item_id, team="Mine"))
    assert isinstance(refused.value, ConcurrentModification)
    assert racing.desk.get_item(item_id).team == f"T{MAX_ATTEMPTS - 1}"
