"""The Incident aggregate: severity rules, appeal once, what an overturned decision leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.conduct import (
    AppealOutcome,
    IllegalIncidentMove,
    Incident,
    IncidentAlreadyAppealed,
    IncidentStatus,
    Severity,
)
from domain.errors import InvalidField
from domain.moments import MomentInTheFuture

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
STAFF = uuid4()


def reported(member_id: UUID | None = None, **fields: object) -> Incident:
    values: dict[str, object] = {
        "member_id": member_id or uuid4(),
        "reporter_id": uuid4(),
        "channel": "discord",
        "description": "Insulted a newcomer",
        "evidence_url": "https://discord.example/m/1",
        "reported_at": NOW - timedelta(hours=1),
        "now": NOW,
    }
    return Incident.report(**(values | fields))  # type: ignore[arg-type]


def upheld(severity: Severity = Severity.WARNING, **fields: object) -> Incident:
    incident = reported()
    incident.uphold(severity, decided_by=STAFF, at=NOW, **fields)  # type: ignore[arg-type]
    return incident


def test_a_report_is_in_the_past_and_not_about_the_reporter() -> None:
    with pytest.raises(MomentInTheFuture):
        reported(reported_at=NOW + timedelta(days=1))
    member = uuid4()
    with pytest.raises(InvalidField) as refused:
        reported(member, reporter_id=member)
    assert refused.value.field == "reporter_id"
    anonymous = reported(reporter_id=None)
    assert anonymous.status is IncidentStatus.REPORTED and anonymous.reporter_id is None


def test_a_suspension_needs_its_end_after_the_decision() -> None:
    with pytest.raises(InvalidField) as missing:
        upheld(Severity.SUSPENSION)
    assert missing.value.field == "suspended_until"
    with pytest.raises(InvalidField, match="after the decision"):
        upheld(Severity.SUSPENSION, suspended_until=NOW)
    until = NOW + timedelta(days=7)
    incident = upheld(Severity.SUSPENSION, suspended_until=until)
    assert (incident.status, incident.suspended_until) == (IncidentStatus.UPHELD, until)
    assert incident.in_force_severity is Severity.SUSPENSION


@pytest.mark.parametrize("severity", [Severity.WARNING, Severity.BAN])
def test_only_a_suspension_has_an_end(severity: Severity) -> None:
    with pytest.raises(InvalidField, match="SUSPENSION only") as refused:
        upheld(severity, suspended_until=NOW + timedelta(days=1))
    assert refused.value.field == "suspended_until"


def test_a_decision_needs_what_it_is_made_of() -> None:
    incident = reported()
    with pytest.raises(InvalidField) as no_severity:
        incident.decide(
            uphold=True, severity=None, suspended_until=None, reason=None, decided_by=STAFF, at=NOW
        )
    assert no_severity.value.field == "severity"
    with pytest.raises(InvalidField) as no_reason:
        incident.decide(
            uphold=False, severity=None, suspended_until=None, reason=None, decided_by=STAFF, at=NOW
        )
    assert no_reason.value.field == "reason"
    with pytest.raises(InvalidField) as with_severity:
        incident.decide(
            uphold=False,
            severity=Severity.BAN,
            suspended_until=None,
            reason="no",
            decided_by=STAFF,
            at=NOW,
        )
    assert with_severity.value.field == "severity"
    assert incident.version == 1  # nothing recorded


def test_a_decision_is_appealed_once() -> None:
    incident = reported()
    incident.dismiss(reason="Banter between friends", decided_by=STAFF, at=NOW)
    incident.appeal(reason="It was not banter", at=NOW)
    assert incident.status is IncidentStatus.APPEALED
    incident.decide_appeal(AppealOutcome.UPHELD, decided_by=STAFF, at=NOW)
    assert incident.status is IncidentStatus.DISMISSED
    with pytest.raises(IncidentAlreadyAppealed):
        incident.appeal(reason="Again", at=NOW)


def test_a_decision_stays_in_force_while_appealed() -> None:
    incident = upheld(Severity.BAN)
    incident.appeal(reason="I was provoked", at=NOW)
    assert incident.in_force_severity is Severity.BAN


def test_an_overturned_uphold_is_no_longer_upheld() -> None:
    incident = upheld(Severity.BAN)
    incident.appeal(reason="Mistaken identity", at=NOW)
    incident.decide_appeal(AppealOutcome.OVERTURNED, decided_by=STAFF, at=NOW, reason="Not them")
    assert incident.status is IncidentStatus.OVERTURNED
    assert incident.in_force_severity is None
    assert incident.severity == "ban"  # what was overturned stays on record
    with pytest.raises(IllegalIncidentMove):
        incident.uphold(Severity.WARNING, decided_by=STAFF, at=NOW)


def test_an_overturned_dismissal_reopens_for_a_final_decision() -> None:
    incident = reported()
    incident.start_review(reviewer_id=STAFF, at=NOW)
    incident.dismiss(reason="No evidence", decided_by=STAFF, at=NOW)
    incident.appeal(reason="Here is the evidence", at=NOW)
    incident.decide_appeal(AppealOutcome.OVERTURNED, decided_by=STAFF, at=NOW)
    assert incident.status is IncidentStatus.UNDER_REVIEW
    incident.uphold(Severity.WARNING, decided_by=STAFF, at=NOW)
    assert incident.in_force_severity is Severity.WARNING
    with pytest.raises(IncidentAlreadyAppealed):
        incident.appeal(reason="Unfair", at=NOW)


def test_an_appeal_is_decided_only_when_there_is_one() -> None:
    incident = upheld()
    with pytest.raises(IllegalIncidentMove) as refused:
        incident.decide_appeal(AppealOutcome.UPHELD, decided_by=STAFF, at=NOW)
    assert refused.value.status is IncidentStatus.UPHELD
