"""GraphQL types of the ambassador program: an ambassadorship, its moves and its activity.

Every role that may read ambassadors sees statuses, tiers, dates and factors; free-text
reasons only admin and manager; the e-mail only roles that read personal data, or marketing
where the member's marketing e-mail consent holds now (projections/ambassadors/queries.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from api.graphql.ambassadors.enums import AmbassadorMoveEnum, AmbassadorStatusEnum
from api.graphql.context import Info
from api.graphql.members import Member
from api.graphql.relay import Connection, Edge, relay_type
from api.services import in_thread
from domain.ambassadors.program import ProgramMove, ProgramStatus
from projections.ambassadors.queries import ContactAccess, QuarterActivity


@strawberry.type(description="One move of an ambassadorship, in the order it was recorded.")
class AmbassadorMoveRecord:
    move: ProgramMove = strawberry.field(description="What happened.")
    status: ProgramStatus = strawberry.field(description="The status after the move.")
    tier: str | None = strawberry.field(description="The tier after the move.")
    at: datetime = strawberry.field(
        description="When: the nomination or approval time, the end of an expired term, or "
        "when the move was recorded."
    )
    actor_id: strawberry.ID | None = strawberry.field(
        description="The member (staff) who made the move; null for an expiry, or a conduct "
        "decision without a decider."
    )
    reason: str | None = strawberry.field(
        description="Why (a decline, a pause, a retirement); admin and manager only, and "
        "null once the member is erased."
    )
    incident_id: strawberry.ID | None = strawberry.field(
        description="The upheld conduct incident that retired the ambassador, if any."
    )
    term_ends: datetime | None = strawberry.field(description="The term's end after the move.")


@strawberry.type(description="An ambassador's activity in one calendar quarter (UTC).")
class AmbassadorActivity:
    year: int = strawberry.field(description="The year.")
    quarter: int = strawberry.field(description="The quarter, 1 to 4.")
    talks: int = strawberry.field(description="Interactions of kind TALK_GIVEN.")
    content: int = strawberry.field(description="Interactions of kind CONTENT_SHARED.")
    referrals: int = strawberry.field(description="Interactions of kind REFERRAL.")
    events_hosted: int = strawberry.field(description="Interactions of kind EVENT_HOSTED.")


@strawberry.type(description="A member's place in the ambassador program, and how they got there.")
class Ambassadorship:
    member_id: strawberry.ID = strawberry.field(description="The member.")
    status: ProgramStatus = strawberry.field(description="Where the member stands now.")
    tier: str | None = strawberry.field(description="The tier, once approved.")
    nominated_at: datetime = strawberry.field(description="When the last nomination was made.")
    nominated_by: strawberry.ID | None = strawberry.field(
        description="The member (staff) who made the last nomination."
    )
    since: datetime | None = strawberry.field(
        description="When the current run as an ambassador began (approval); null before."
    )
    term_ends: datetime | None = strawberry.field(
        description="When the term ends unless renewed; null before approval."
    )
    rule_version: str | None = strawberry.field(
        description="The candidacy rule version whose factors the nomination kept."
    )
    factors: JSON = strawberry.field(
        description="The candidacy factors at nomination (factor name to value)."
    )
    reason: str | None = strawberry.field(
        description="Why the last decline or retirement happened; admin and manager only, "
        "null once the member is erased."
    )
    incident_id: strawberry.ID | None = strawberry.field(
        description="The upheld conduct incident that retired the ambassador, if any."
    )
    email: str | None = strawberry.field(
        description="The contact e-mail: for roles that read personal data, or for marketing "
        "while the member's MARKETING_EMAIL consent holds; null otherwise."
    )
    version: int = strawberry.field(
        description="Moves recorded so far (with the opening); pass as expectedVersion."
    )
    changed_at: datetime = strawberry.field(description="When it last changed.")

    @strawberry.field(description="The member, with your role's masking as everywhere.")
    async def member(self, info: Info) -> Member | None:
        return await info.context.member_fields.member(info, str(self.member_id))

    @strawberry.field(description="Every move, oldest first: who, when and why.")
    async def history(self, info: Info) -> list[AmbassadorMoveRecord]:
        rows = await in_thread(info.context.services.ambassadors.history, UUID(self.member_id))
        reasons = info.context.principal.can_manage_program
        return [_move(row, reasons) for row in rows]

    @strawberry.field(
        description="Talks, content, referrals and events hosted per calendar quarter, "
        "oldest first, counted from the member's interactions of those kinds."
    )
    async def activity(self, info: Info) -> list[AmbassadorActivity]:
        found = await in_thread(info.context.services.ambassadors.activity, UUID(self.member_id))
        return [_activity(q) for q in found]


@relay_type("An ambassadorship with its cursor in the list.", node="The ambassadorship.")
class AmbassadorEdge(Edge[Ambassadorship]):
    """An edge of the ambassador list."""


@relay_type("A page of ambassadorships (keyset pagination).", edges="Each and its cursor.")
class AmbassadorConnection(Connection[AmbassadorEdge]):
    """A page of the ambassador list."""


def contact_access(info: Info) -> ContactAccess:
    """Whose e-mail the caller sees: all, the consenting ones (marketing), or none."""
    principal = info.context.principal
    if principal.can_read_personal_data:
        return ContactAccess.ALL
    return ContactAccess.CONSENTING if principal.is_marketing else ContactAccess.NONE


def ambassadorship_from_row(row: dict[str, Any], info: Info) -> Ambassadorship:
    """The GraphQL ambassadorship of a read-model row (e-mail already opened or None)."""
    reasons = info.context.principal.can_manage_program
    return Ambassadorship(
        member_id=strawberry.ID(str(row["member_id"])),
        status=AmbassadorStatusEnum(row["status"]),
        tier=row["tier"],
        nominated_at=row["nominated_at"],
        nominated_by=_id(row["nominated_by"]),
        since=row["since"],
        term_ends=row["term_ends"],
        rule_version=row["rule_version"],
        factors=JSON(row["factors"]),
        reason=row["reason"] if reasons else None,
        incident_id=_id(row["incident_id"]),
        email=row["email"],
        version=row["version"],
        changed_at=row["changed_at"],
    )


async def load_ambassadorship(
    info: Info, member_id: UUID, position: int | None = None
) -> Ambassadorship | None:
    """The member's ambassadorship once the read model holds `position` (read-your-writes)."""
    services = info.context.services
    if not await in_thread(services.wait_for, "ambassadors", position):
        return None
    row = await in_thread(services.ambassadors.by_member, member_id, contact_access(info))
    return ambassadorship_from_row(row, info) if row is not None else None


def _move(row: dict[str, Any], reasons: bool) -> AmbassadorMoveRecord:
    return AmbassadorMoveRecord(
        move=AmbassadorMoveEnum(row["move"]),
        status=AmbassadorStatusEnum(row["status"]),
        tier=row["tier"],
        at=row["at"],
        actor_id=_id(row["actor_id"]),
        reason=row["reason"] if reasons else None,
        incident_id=_id(row["incident_id"]),
        term_ends=row["term_ends"],
    )


def _activity(found: QuarterActivity) -> AmbassadorActivity:
    return AmbassadorActivity(
        year=found.year,
        quarter=found.quarter,
        talks=found.talks,
        content=found.content,
        referrals=found.referrals,
        events_hosted=found.events_hosted,
    )


def _id(value: UUID | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None
