"""The conduct desk on an in-memory Community: members checked, bans retire, retries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.conduct.desk import ConductDesk
from application.members.community import Community
from domain.conduct import (
    IllegalIncidentMove,
    IncidentNotFound,
    IncidentStatus,
    IncidentVersionMismatch,
)
from domain.conduct import commands as cc
from domain.errors import MemberIsErased, MemberNotFound
from domain.members import commands as mc
from tests.unit.conftest import in_memory_community


class Retirements:
    """The RetireOnBan port, remembering each call; answers as the program would."""

    def __init__(self) -> None:
        self.calls: list[tuple[UUID, UUID, UUID | None]] = []

    def __call__(self, member_id: UUID, incident_id: UUID, decided_by: UUID | None) -> bool:
        self.calls.append((member_id, incident_id, decided_by))
        return True


class Desk:
    """A desk with its community, a fake port, and helpers for members and incidents."""

    def __init__(self, community: Community) -> None:
        self.community = community
        self.retirements = Retirements()
        self.desk = ConductDesk(community, self.retirements)
        self.staff = self.member()

    def member(self, *, erased: bool = False) -> UUID:
        member_id = self.community.join_member(mc.JoinMember(display_name="Someone")).member.id
        if erased:
            self.community.erase_member(mc.EraseMember(member_id=member_id))
        return member_id

    def report(self, member_id: UUID | None = None, **fields: Any) -> UUID:
        values: dict[str, Any] = {
            "member_id": member_id or self.member(),
            "channel": "discord",
            "description": "Harassed a newcomer in DMs",
            "evidence_url": "https://discord.example/m/1",
        }
        return self.desk.report(cc.ReportConductIncident(**(values | fields))).incident.id

    def decide(self, incident_id: UUID, **fields: Any) -> Any:
        values: dict[str, Any] = {"incident_id": incident_id, "decided_by": self.staff}
        return self.desk.decide(cc.DecideConductIncident(**(values | fields)))


@pytest.fixture
def desk() -> Desk:
    return Desk(in_memory_community())


def test_a_ban_retires_the_member_s_ambassadorship_after_saving(desk: Desk) -> None:
    member = desk.member()
    incident = desk.report(member, reporter_id=desk.member())
    change = desk.decide(incident, uphold=True, severity="ban")
    assert change.retired is True and change.position is not None
    assert desk.retirements.calls == [(member, incident, desk.staff)]
    assert desk.desk.get_incident(incident).status is IncidentStatus.UPHELD


@pytest.mark.parametrize("severity", ["warning", "suspension"])
def test_lesser_severities_retire_nobody(desk: Desk, severity: str) -> None:
    until = desk.community.clock() + timedelta(days=3) if severity == "suspension" else None
    change = desk.decide(desk.report(), uphold=True, severity=severity, suspended_until=until)
    assert change.retired is False and desk.retirements.calls == []


def test_confirming_a_ban_on_appeal_retires_nothing_more(desk: Desk) -> None:
    incident = desk.report()
    desk.decide(incident, uphold=True, severity="ban")
    desk.desk.appeal(cc.AppealConductIncident(incident_id=incident, reason="Please"))
    desk.desk.decide_appeal(
        cc.DecideConductAppeal(incident_id=incident, outcome="upheld", decided_by=desk.staff)
    )
    assert len(desk.retirements.calls) == 1


def test_a_ban_decided_after_a_dismissal_was_overturned_retires(desk: Desk) -> None:
    incident = desk.report()
    desk.decide(incident, uphold=False, reason="Not enough evidence")
    desk.desk.appeal(cc.AppealConductIncident(incident_id=incident, reason="Screenshots"))
    desk.desk.decide_appeal(
        cc.DecideConductAppeal(incident_id=incident, outcome="overturned", decided_by=desk.staff)
    )
    assert desk.decide(incident, uphold=True, severity="ban").retired is True


def test_members_named_must_exist_and_not_be_erased(desk: Desk) -> None:
    with pytest.raises(MemberNotFound):
        desk.report(uuid4())
    with pytest.raises(MemberIsErased):
        desk.report(desk.member(erased=True))
    with pytest.raises(MemberIsErased):
        desk.report(reporter_id=desk.member(erased=True))
    incident = desk.report()
    with pytest.raises(MemberNotFound):
        desk.decide(incident, uphold=True, severity="warning", decided_by=uuid4())


def test_an_erased_member_s_incidents_are_closed(desk: Desk) -> None:
    member = desk.member()
    incident = desk.report(member)
    desk.community.erase_member(mc.EraseMember(member_id=member))
    with pytest.raises(MemberIsErased):
        desk.decide(incident, uphold=True, severity="warning")
    assert desk.desk.get_incident(incident).description is None  # shredded with the key


def test_unknown_incidents_and_stale_versions_are_refused(desk: Desk) -> None:
    with pytest.raises(IncidentNotFound):
        desk.decide(uuid4(), uphold=True, severity="warning")
    incident = desk.report()
    desk.desk.start_review(cc.StartConductReview(incident_id=incident, reviewer_id=desk.staff))
    with pytest.raises(IncidentVersionMismatch):
        desk.decide(incident, uphold=True, severity="warning", expected_version=1)
    with pytest.raises(IllegalIncidentMove):
        desk.desk.start_review(cc.StartConductReview(incident_id=incident, reviewer_id=desk.staff))


def test_hostile_input_is_refused_by_the_commands(desk: Desk) -> None:
    member = desk.member()
    for fields in (
        {"evidence_url": "javascript:alert(1)"},
        {"evidence_url": "ftp://example.org/x"},
        {"description": "   "},
        {"description": "a\u202eb"},
        {"channel": "carrier-pigeon"},
    ):
        with pytest.raises(ValueError):
            desk.report(member, **fields)
