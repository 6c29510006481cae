"""The Ambassadorship aggregate: terms, tiers, pauses, renewals, expiry and retirement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import reduce
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from domain.ambassadors import IllegalProgramMove, ProgramStatus
from domain.ambassadors.ambassadorship import Ambassadorship, TermStillRuns
from domain.errors import InvalidField
from tests.unit.conftest import in_memory_community

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
MANAGER = uuid4()


def nominated() -> Ambassadorship:
    """A member just nominated, with what the candidacy rule saw."""
    ambassadorship = Ambassadorship.open(uuid4())
    ambassadorship.nominate(
        by=MANAGER, factors={"engagement": 81.5, "tenure_days": 400}, rule_version="r1", at=START
    )
    return ambassadorship


def replayed(original: Ambassadorship) -> Ambassadorship:
    """The record rebuilt from its own events, as the repository would."""
    rebuilt = reduce(lambda state, event: event.mutate(state), original.collect_events(), None)
    assert isinstance(rebuilt, Ambassadorship)
    return rebuilt


def test_one_record_per_member() -> None:
    member = uuid4()
    assert Ambassadorship.open(member).id == Ambassadorship.id_for(member)
    assert Ambassadorship.id_for(member) != Ambassadorship.id_for(uuid4())


def test_a_term_from_nomination_to_expiry() -> None:
    record = nominated()
    assert record.status is ProgramStatus.NOMINATED
    record.approve(tier="advocate", by=MANAGER, at=START)
    assert (record.status, record.tier) == (ProgramStatus.ACTIVE, "advocate")
    assert record.term_ends == START + timedelta(days=365)
    record.change_tier("evangelist", by=MANAGER)
    record.change_tier("evangelist", by=MANAGER)  # the same tier again records nothing
    record.pause(by=MANAGER, reason="parental leave")
    record.resume(by=MANAGER)
    with pytest.raises(TermStillRuns, match="2027-01-05"):
        record.expire(now=START + timedelta(days=364))
    record.expire(now=START + timedelta(days=366))
    assert record.status is ProgramStatus.EXPIRED
    rebuilt = replayed(record)
    assert (rebuilt.status, rebuilt.tier, rebuilt.version) == (
        ProgramStatus.EXPIRED,
        "evangelist",
        7,
    )


def test_a_renewal_extends_the_term_from_its_end_or_from_now_if_it_ended() -> None:
    record = nominated()
    record.approve(tier="advocate", by=MANAGER, at=START, term=timedelta(days=100))
    record.renew(by=MANAGER, at=START + timedelta(days=50), term=timedelta(days=100))
    assert record.term_ends == START + timedelta(days=200)
    record.renew(by=MANAGER, at=START + timedelta(days=300), term=timedelta(days=100))
    assert record.term_ends == START + timedelta(days=400)


def test_retirement_names_the_incident_and_a_new_nomination_starts_afresh() -> None:
    record = nominated()
    record.approve(tier="advocate", by=MANAGER, at=START)
    incident = uuid4()
    record.retire(reason="upheld ban", incident_id=incident)
    assert record.status is ProgramStatus.RETIRED
    with pytest.raises(IllegalProgramMove, match="retired cannot pause"):
        record.pause(by=MANAGER)
    record.nominate(by=MANAGER, factors={}, rule_version="r2", at=START + timedelta(days=400))
    assert (record.status, record.tier, record.term_ends) == (ProgramStatus.NOMINATED, None, None)
    events = record.collect_events()
    assert events[-2].incident_id == incident  # type: ignore[attr-defined]


def test_refusals_name_what_is_wrong() -> None:
    record = nominated()
    with pytest.raises(IllegalProgramMove, match="nominated cannot renew"):
        record.renew(by=MANAGER, at=START)
    with pytest.raises(InvalidField, match="reason: must say why"):
        record.decline(reason="  ", by=MANAGER)
    with pytest.raises(InvalidField, match="tier"):
        record.approve(tier="", by=MANAGER, at=START)
    record.decline(reason="not yet", by=MANAGER)
    with pytest.raises(IllegalProgramMove, match="declined cannot approve"):
        record.approve(tier="advocate", by=MANAGER, at=START)
    fresh = Ambassadorship.open(uuid4())
    with pytest.raises(IllegalProgramMove, match="outside the program cannot approve"):
        fresh.approve(tier="advocate", by=MANAGER, at=START)


def test_the_record_survives_the_event_store_and_two_openings_collide() -> None:
    community = in_memory_community()
    record = nominated()
    record.approve(tier="advocate", by=MANAGER, at=START)
    community.save(record)
    stored = community.repository.get(record.id)
    assert isinstance(stored, Ambassadorship)
    assert (stored.status, stored.tier, stored.term_ends) == (
        ProgramStatus.ACTIVE,
        "advocate",
        START + timedelta(days=365),
    )
    with pytest.raises(IntegrityError):  # the same member's record, opened twice
        community.save(Ambassadorship.open(record.member_id))
