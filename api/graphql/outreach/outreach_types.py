"""GraphQL types of the outreach log: outreach with its derived outcome, and effectiveness.

Admin and manager only; an outreach's note is opened only for roles that read personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from api.graphql.context import Info
from api.graphql.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.graphql.members import Channel, Member
from api.graphql.relay import Connection, Edge, relay_type
from domain.outreach.effectiveness import GroupFigures, RecoveryComparison, Side
from domain.outreach.outcomes import Outcome
from domain.outreach.outreach import OutreachPurpose
from projections.cursors import Row

strawberry.enum(
    OutreachPurpose,
    name="OutreachPurpose",
    description="Why staff reached out: WELCOME (a newcomer), CHECK_IN, AT_RISK_RECOVERY, "
    "AMBASSADOR_INVITE, FEEDBACK_FOLLOW_UP, EVENT_INVITE or OTHER.",
)
strawberry.enum(
    Outcome,
    name="OutreachOutcome",
    description="What came of an outreach, derived from what the member did within "
    "CRM_OUTREACH_REPLY_DAYS days after it (a reply on day N counts, on day N+1 not): "
    "RETURNED (at risk or inactive when contacted, active again within the window), REPLIED "
    "(interacted within the window), PENDING (neither yet, the window is still open: it may "
    "change), NO_RESPONSE (the window is over, neither happened).",
)

RECOVERY_DEFINITION = (
    "Member-weeks (weeks start Monday, UTC). Contacted: a member at risk when an "
    "AT_RISK_RECOVERY outreach reached them in the week (the week's first such outreach), "
    "returned when its outcome is RETURNED. Not contacted: members at risk at some moment "
    "of the same weeks whom no outreach of any purpose reached in the week or the reply "
    "days before it, returned when the stage ending their risk is active or returning "
    "within the reply days after the later of the week's start and their entry into risk. "
    "Pending cases (window still open) are left out of both. An association, not proof of "
    "cause: managers choose whom they contact."
)


@strawberry.enum(description="How outreachEffectiveness groups the outreach.")
class OutreachGroupBy(Enum):
    PURPOSE = "purpose"
    CHANNEL = "channel"
    STAFF = "staff"


@strawberry.type(description="A staff member's outreach to a member, and what came of it.")
class Outreach:
    id: strawberry.ID = strawberry.field(description="Stable outreach id (a UUID).")
    member_id: strawberry.ID = strawberry.field(description="The member reached.")
    staff_id: strawberry.ID = strawberry.field(description="The staff member who reached out.")
    channel: Channel = strawberry.field(description="Where they reached out.")
    purpose: OutreachPurpose = strawberry.field(description="Why they reached out.")
    note: str | None = strawberry.field(
        description="What was said or agreed: personal data, shown to roles that read it; "
        "null when none, or once the member is erased."
    )
    at: datetime = strawberry.field(description="When they reached out.")
    outcome: Outcome = strawberry.field(description="What came of it, as of now.")
    window_ends_at: datetime = strawberry.field(
        description="The end of the reply window: the outcome is final after it."
    )
    member_erased: bool = strawberry.field(
        description="The member was erased: the note is gone, the outreach still counts."
    )

    @strawberry.field(description="The member reached, with your role's masking as everywhere.")
    async def member(self, info: Info) -> Member | None:
        return await info.context.member_fields.member(info, str(self.member_id))

    @strawberry.field(description="The staff member who reached out.")
    async def staff(self, info: Info) -> Member | None:
        return await info.context.member_fields.member(info, str(self.staff_id))


@relay_type(
    "An outreach with its cursor in the log.",
    node="The outreach.",
    cursor="Opaque position of this outreach in the log.",
)
class OutreachEdge(Edge[Outreach]):
    """An edge of the outreach log."""


@relay_type(
    "A page of the outreach log, newest first (keyset pagination).",
    edges="Outreach with their cursors.",
)
class OutreachConnection(Connection[OutreachEdge]):
    """A page of the outreach log."""


@strawberry.type(description="The outreach is recorded; its outcome derives from now on.")
class OutreachRecorded:
    outreach_id: strawberry.ID = strawberry.field(description="The outreach's id.")
    outreach: Outreach | None = strawberry.field(
        description="The outreach as the log holds it (read your write); null only when the "
        "read model lags past the read-your-writes timeout."
    )


RecordOutreachResult = Annotated[
    OutreachRecorded | ValidationFailed | NotFound | Conflict | Forbidden,
    strawberry.union(
        "RecordOutreachResult",
        description="The success type, or the typed error that explains the refusal "
        "(NOT_STAFF, OUTREACH_TO_SELF and MEMBER_ERASED are Conflicts).",
    ),
]


@strawberry.type(description="The figures of one group of outreach (or of all: the total).")
class OutreachGroup:
    key: str = strawberry.field(
        description="The group: a purpose or channel (lower case), or a staff member's id; "
        "empty for the total."
    )
    contacted: int = strawberry.field(description="Outreach made in the span.")
    members: int = strawberry.field(description="Distinct members they reached.")
    replied: int = strawberry.field(description="Outreach whose outcome is REPLIED.")
    returned: int = strawberry.field(description="Outreach whose outcome is RETURNED.")
    no_response: int = strawberry.field(description="Outreach whose outcome is NO_RESPONSE.")
    pending: int = strawberry.field(
        description="Outreach still PENDING (window open): left out of the rates."
    )
    reply_rate: float | None = strawberry.field(
        description="(REPLIED + RETURNED) / decided outreach (all but PENDING); null if none."
    )
    return_rate: float | None = strawberry.field(
        description="RETURNED / decided outreach to members at risk or inactive when "
        "contacted (only they can return); null if none."
    )


@strawberry.type(description="One side of the at-risk recovery comparison.")
class RecoverySide:
    members: int = strawberry.field(description="Decided member-weeks on this side.")
    returned: int = strawberry.field(description="Of them, members who came back.")
    return_rate: float | None = strawberry.field(description="returned / members; null if none.")


@strawberry.type(
    description="At-risk recovery: contacted at-risk members' return rate beside that of "
    "comparable at-risk members not contacted in the same weeks."
)
class RecoveryComparisonFigures:
    weeks: list[date] = strawberry.field(
        description="The weeks (Mondays) compared: those with contacted cases."
    )
    contacted: RecoverySide = strawberry.field(description="Members contacted while at risk.")
    not_contacted: RecoverySide = strawberry.field(
        description="Comparable members: at risk in the same weeks, not contacted."
    )
    pending_contacted: int = strawberry.field(
        description="Contacted cases whose window is still open (left out)."
    )
    pending_not_contacted: int = strawberry.field(
        description="Not-contacted cases whose window is still open (left out)."
    )
    definition: str = strawberry.field(description="Exactly what is compared, and its limits.")


@strawberry.type(description="Whether outreach in a span worked, grouped one way.")
class OutreachEffectiveness:
    from_: date = strawberry.field(name="from", description="The first day of the span (UTC).")
    to: date = strawberry.field(description="The first day after the span (UTC).")
    group_by: OutreachGroupBy = strawberry.field(description="How the groups are formed.")
    reply_days: int = strawberry.field(
        description="The reply window in days (CRM_OUTREACH_REPLY_DAYS)."
    )
    groups: list[OutreachGroup] = strawberry.field(
        description="One per purpose, channel or staff member, most contacted first."
    )
    total: OutreachGroup = strawberry.field(description="All outreach of the span.")
    at_risk_recovery: RecoveryComparisonFigures = strawberry.field(
        description="AT_RISK_RECOVERY outreach against the comparable not-contacted members."
    )


def outreach_from_row(row: Row, outcome: Outcome, window_end: datetime) -> Outreach:
    """The GraphQL outreach of a read-model row (its note opened, or None)."""
    return Outreach(
        id=_id(row["outreach_id"]),
        member_id=_id(row["member_id"]),
        staff_id=_id(row["staff_id"]),
        channel=Channel(row["channel"]),
        purpose=OutreachPurpose(row["purpose"]),
        note=row["note"],
        at=row["at"],
        outcome=outcome,
        window_ends_at=window_end,
        member_erased=row["member_erased"],
    )


def group_of(figures: GroupFigures) -> OutreachGroup:
    """The GraphQL figures of one group."""
    return OutreachGroup(
        key=figures.key,
        contacted=figures.contacted,
        members=figures.members,
        replied=figures.replied,
        returned=figures.returned,
        no_response=figures.no_response,
        pending=figures.pending,
        reply_rate=figures.reply_rate,
        return_rate=figures.return_rate,
    )


def comparison_of(found: RecoveryComparison) -> RecoveryComparisonFigures:
    """The GraphQL recovery comparison."""
    return RecoveryComparisonFigures(
        weeks=list(found.weeks),
        contacted=_side(found.contacted),
        not_contacted=_side(found.not_contacted),
        pending_contacted=found.pending_contacted,
        pending_not_contacted=found.pending_not_contacted,
        definition=RECOVERY_DEFINITION,
    )


def _side(side: Side) -> RecoverySide:
    return RecoverySide(members=side.members, returned=side.returned, return_rate=side.return_rate)


def _id(value: Any) -> strawberry.ID:
    return strawberry.ID(str(value))
