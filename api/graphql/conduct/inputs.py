"""GraphQL inputs of the conduct mutations and list; validation happens in the domain commands."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.conduct.enums import ConductDecision
from api.graphql.members import Channel
from domain.conduct import AppealOutcome, IncidentStatus, Severity

_INCIDENT = "The incident."
_VERSION = "Refuse with a VERSION_MISMATCH conflict if the incident is not at this version."
_REASON = "Why (1-2000 characters; line breaks kept, no other control characters)."


@strawberry.input(description="A report about a member's conduct.")
class ReportConductIncidentInput:
    member_id: strawberry.ID = strawberry.field(description="The member concerned.")
    reporter_id: strawberry.ID | None = strawberry.field(
        default=None, description="The member who reported it; leave out for an anonymous report."
    )
    channel: Channel = strawberry.field(description="Where it happened.")
    description: str = strawberry.field(
        description="What happened (1-20000 characters); personal data, sealed."
    )
    evidence_url: str | None = strawberry.field(
        default=None, description="Where the evidence is: an http(s) URL (at most 2000 characters)."
    )
    reported_at: datetime | None = strawberry.field(
        default=None,
        description="When it was reported, with a timezone; never in the future; default now.",
    )


@strawberry.input(description="Staff start looking into a report.")
class ReviewConductIncidentInput:
    incident_id: strawberry.ID = strawberry.field(description=_INCIDENT)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    reviewer_id: strawberry.ID = strawberry.field(description="The staff member reviewing it.")


@strawberry.input(
    description="Uphold a REPORTED or UNDER_REVIEW incident with a severity (SUSPENSION needs "
    "suspendedUntil, after now; no other severity takes one), or DISMISS it with a reason."
)
class DecideConductIncidentInput:
    incident_id: strawberry.ID = strawberry.field(description=_INCIDENT)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    decided_by: strawberry.ID = strawberry.field(description="The staff member deciding.")
    decision: ConductDecision = strawberry.field(description="UPHOLD or DISMISS.")
    severity: Severity | None = strawberry.field(
        default=None, description="Required to UPHOLD; refused with DISMISS."
    )
    suspended_until: datetime | None = strawberry.field(
        default=None, description="When a SUSPENSION ends, with a timezone; only for SUSPENSION."
    )
    reason: str | None = strawberry.field(
        default=None, description=f"{_REASON} Required to DISMISS; optional to UPHOLD."
    )


@strawberry.input(description="Appeal an UPHELD or DISMISSED incident; once per incident.")
class AppealConductIncidentInput:
    incident_id: strawberry.ID = strawberry.field(description=_INCIDENT)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    reason: str = strawberry.field(description=_REASON)
    recorded_by: strawberry.ID | None = strawberry.field(
        default=None, description="The staff member recording the appeal, if any."
    )


@strawberry.input(description="Decide a pending appeal: the decision stands, or is overturned.")
class DecideConductAppealInput:
    incident_id: strawberry.ID = strawberry.field(description=_INCIDENT)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    decided_by: strawberry.ID = strawberry.field(description="The staff member deciding.")
    outcome: AppealOutcome = strawberry.field(description="UPHELD or OVERTURNED.")
    reason: str | None = strawberry.field(default=None, description=_REASON)


@strawberry.input(description="Which incidents to list; every given criterion must hold.")
class ConductIncidentFilterInput:
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="About this member."
    )
    status: IncidentStatus | None = strawberry.field(
        default=None, description="In this status (APPEALED: an appeal is pending)."
    )
    severity: Severity | None = strawberry.field(
        default=None, description="Of this severity (overturned ones keep theirs)."
    )
