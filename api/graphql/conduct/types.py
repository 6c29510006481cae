"""GraphQL types of the conduct context: incidents (admin and manager only), and standing.

An incident's description, evidence url and reasons are opened only for the roles that
may read conduct records; a member's standing is shown to every role that sees the member.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from api.graphql.conduct.enums import ConductChangeKind, Standing
from api.graphql.context import Info
from api.graphql.members import Channel
from api.graphql.relay import Connection, Edge, relay_type
from api.services import in_thread
from domain.conduct import AppealOutcome, IncidentStatus, Severity
from projections.conduct.projection import ConductProjection
from projections.conduct.queries import Standing as StandingRow
from projections.cursors import Row


@strawberry.type(description="A member's standing now, from their upheld conduct incidents.")
class MemberStanding:
    standing: Standing = strawberry.field(description="GOOD, SUSPENDED or BANNED.")
    until: datetime | None = strawberry.field(
        description="When a suspension ends; null when GOOD or BANNED."
    )


@strawberry.type(description="One change of an incident, in the order it was recorded.")
class ConductChange:
    change: ConductChangeKind = strawberry.field(description="What happened.")
    at: datetime = strawberry.field(description="When it was recorded.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="The member who made the change (reporter, reviewer, decider), if any."
    )
    detail: JSON = strawberry.field(
        description="Severity, suspension end or appeal outcome; never a description or reason."
    )


@strawberry.type(description="A code-of-conduct incident about one member, and its decisions.")
class ConductIncident:
    id: strawberry.ID = strawberry.field(description="Stable incident id (a UUID).")
    member_id: strawberry.ID = strawberry.field(description="The member concerned.")
    reporter_id: strawberry.ID | None = strawberry.field(
        description="The member who reported it; null when reported anonymously."
    )
    channel: Channel = strawberry.field(description="Where it happened.")
    description: str | None = strawberry.field(
        description="What happened; null once the member concerned is erased."
    )
    evidence_url: str | None = strawberry.field(
        description="Where the evidence is (http(s)); null when none or once erased."
    )
    status: IncidentStatus = strawberry.field(description="Where the incident stands.")
    severity: Severity | None = strawberry.field(
        description="The severity when upheld (kept on record when overturned)."
    )
    suspended_until: datetime | None = strawberry.field(description="When a SUSPENSION ends.")
    reported_at: datetime = strawberry.field(description="When it was reported.")
    reviewed_at: datetime | None = strawberry.field(description="When the review started.")
    reviewed_by: strawberry.ID | None = strawberry.field(description="Who started the review.")
    decided_at: datetime | None = strawberry.field(description="When it was decided.")
    decided_by: strawberry.ID | None = strawberry.field(description="Who decided.")
    decision_reason: str | None = strawberry.field(
        description="Why it was upheld or dismissed; null when not given or once erased."
    )
    appealed_at: datetime | None = strawberry.field(description="When it was appealed.")
    appeal_reason: str | None = strawberry.field(
        description="Why it was appealed; null once erased."
    )
    appeal_decided_at: datetime | None = strawberry.field(
        description="When the appeal was decided."
    )
    appeal_outcome: AppealOutcome | None = strawberry.field(
        description="How the appeal was decided."
    )
    appeal_decision_reason: str | None = strawberry.field(
        description="Why the appeal went as it did; null when not given or once erased."
    )
    member_erased: bool = strawberry.field(
        description="The member concerned was erased: the text is gone, the decision stays."
    )
    version: int = strawberry.field(
        description="Number of events so far; pass as expectedVersion to act safely."
    )
    history: list[ConductChange] = strawberry.field(description="Its changes, oldest first.")


@relay_type(
    "An incident with its cursor in the list.",
    node="The incident.",
    cursor="Opaque position of this incident in the list.",
)
class ConductIncidentEdge(Edge[ConductIncident]):
    """An edge of the incident list."""


@relay_type(
    "A page of conduct incidents, newest first (keyset pagination).",
    edges="Incidents with their cursors.",
)
class ConductIncidentConnection(Connection[ConductIncidentEdge]):
    """A page of the incident list."""


def standing_of(row: StandingRow) -> MemberStanding:
    """The GraphQL standing of a read-model standing."""
    return MemberStanding(standing=Standing(row.standing), until=row.until)


def incident_from_row(row: Row, history: list[Row]) -> ConductIncident:
    """The GraphQL incident of a read-model row (sealed values already opened)."""
    return ConductIncident(
        id=_id(row["incident_id"]),
        member_id=_id(row["member_id"]),
        reporter_id=_optional_id(row["reporter_id"]),
        channel=Channel(row["channel"]),
        description=row["description"],
        evidence_url=row["evidence_url"],
        status=IncidentStatus(row["status"]),
        severity=Severity(row["severity"]) if row["severity"] else None,
        suspended_until=row["suspended_until"],
        reported_at=row["reported_at"],
        reviewed_at=row["reviewed_at"],
        reviewed_by=_optional_id(row["reviewed_by"]),
        decided_at=row["decided_at"],
        decided_by=_optional_id(row["decided_by"]),
        decision_reason=row["decision_reason"],
        appealed_at=row["appealed_at"],
        appeal_reason=row["appeal_reason"],
        appeal_decided_at=row["appeal_decided_at"],
        appeal_outcome=AppealOutcome(row["appeal_outcome"]) if row["appeal_outcome"] else None,
        appeal_decision_reason=row["appeal_decision_reason"],
        member_erased=row["member_erased"],
        version=row["version"],
        history=[_change(h) for h in history],
    )


async def load_incident(
    info: Info, incident_id: UUID, position: int | None
) -> ConductIncident | None:
    """The incident once the read model holds `position` (read-your-writes); None if it lags."""
    services = info.context.services
    if not await in_thread(services.wait_for, ConductProjection.name, position):
        return None
    row = await in_thread(services.conduct.by_id, incident_id)
    if row is None:
        return None
    history = await in_thread(services.conduct.history, [incident_id])
    return incident_from_row(row, history[incident_id])


def _change(row: Row) -> ConductChange:
    return ConductChange(
        change=ConductChangeKind(row["change"]),
        at=row["at"],
        actor_id=_optional_id(row["actor_id"]),
        detail=row["detail"],
    )


def _id(value: Any) -> strawberry.ID:
    return strawberry.ID(str(value))


def _optional_id(value: Any) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))
