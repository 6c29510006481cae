"""Conduct commands: what a caller asks of an incident, validated before the domain sees it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, Field

from domain.commands import AwareDatetime, Command
from domain.conduct.moves import AppealOutcome, Severity
from domain.texts import check_free_text, check_http_url
from domain.values import Channel

MAX_DESCRIPTION = 20_000
MAX_REASON = 2000


def _description(value: str) -> str:
    return check_free_text(value, "description", MAX_DESCRIPTION)


def _reason(value: str) -> str:
    return check_free_text(value, "reason", MAX_REASON)


def _optional_reason(value: str | None) -> str | None:
    return None if value is None else _reason(value)


def _url(value: str | None) -> str | None:
    return None if value is None else check_http_url(value)


Description = Annotated[str, AfterValidator(_description)]
Reason = Annotated[str, AfterValidator(_reason)]
OptionalReason = Annotated[str | None, AfterValidator(_optional_reason)]
EvidenceUrl = Annotated[str | None, AfterValidator(_url)]


class ReportConductIncident(Command):
    """Someone reports a member's conduct (the reporter may stay anonymous: None)."""

    member_id: UUID
    reporter_id: UUID | None = None
    channel: Channel
    description: Description
    evidence_url: EvidenceUrl = None
    reported_at: AwareDatetime = None


class IncidentCommand(Command):
    """A command addressed to one existing incident."""

    incident_id: UUID
    expected_version: int | None = Field(default=None, ge=1)


class StartConductReview(IncidentCommand):
    """Staff start looking into the report."""

    reviewer_id: UUID


class DecideConductIncident(IncidentCommand):
    """Uphold the report with a severity (a suspension until a date), or dismiss it with a reason.

    Which fields each decision needs is the incident's rule (Incident.decide).
    """

    decided_by: UUID
    uphold: bool
    severity: Severity | None = None
    suspended_until: AwareDatetime = None
    reason: OptionalReason = None


class AppealConductIncident(IncidentCommand):
    """The decision is appealed (once), saying why."""

    reason: Reason
    recorded_by: UUID | None = None


class DecideConductAppeal(IncidentCommand):
    """The appeal is decided: the decision stands (UPHELD) or is OVERTURNED."""

    outcome: AppealOutcome
    decided_by: UUID
    reason: OptionalReason = None
