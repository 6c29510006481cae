"""The conduct desk under concurrent writers: act again on the new state, or refuse."""

from __future__ import annotations

import pytest

from application.keyed_hashes import IdentityHasher
from application.memory import InMemoryClaimStore, InMemoryKeyStore
from domain.conduct import IllegalIncidentMove, IncidentStatus, IncidentVersionMismatch
from domain.conduct import commands as cc
from tests.conftest import TEST_SECRET
from tests.unit.conduct.test_desk import Desk
from tests.unit.conftest import IN_MEMORY
from tests.unit.feedback.test_desk_retries import RacingCommunity


@pytest.fixture
def racing() -> Desk:
    keys, claims = InMemoryKeyStore(), InMemoryClaimStore(IdentityHasher(TEST_SECRET.encode()))
    return Desk(RacingCommunity(IN_MEMORY, keyring=keys, claims=claims))


def _rival_dismisses(desk: Desk, incident_id: object) -> None:
    community = desk.community
    assert isinstance(community, RacingCommunity)
    community.race = lambda: desk.decide(incident_id, uphold=False, reason="Rival was first")
    community.races = 1


def test_a_decision_that_lost_the_race_is_judged_on_the_winner_s_state(racing: Desk) -> None:
    incident = racing.report()
    _rival_dismisses(racing, incident)
    with pytest.raises(IllegalIncidentMove) as refused:
        racing.decide(incident, uphold=True, severity="ban")
    assert refused.value.status is IncidentStatus.DISMISSED
    assert racing.retirements.calls == []  # the ban was never recorded
    assert racing.desk.get_incident(incident).status is IncidentStatus.DISMISSED


def test_an_appeal_on_a_stale_version_is_refused_not_retried(racing: Desk) -> None:
    incident = racing.report()
    racing.decide(incident, uphold=True, severity="warning")
    community = racing.community
    assert isinstance(community, RacingCommunity)
    appeal = cc.AppealConductIncident(incident_id=incident, reason="Rival appeal")
    community.race, community.races = lambda: racing.desk.appeal(appeal), 1
    with pytest.raises(IncidentVersionMismatch) as refused:
        racing.desk.appeal(
            cc.AppealConductIncident(incident_id=incident, reason="Mine", expected_version=2)
        )
    assert (refused.value.expected, refused.value.actual) == (2, 3)
