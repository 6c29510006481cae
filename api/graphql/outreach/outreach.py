"""The outreach log over GraphQL: recordOutreach, the log, and outreachEffectiveness.

Admin and manager only (MANAGE_OUTREACH): a mutation answers the FORBIDDEN result, a query
a FORBIDDEN error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated
from uuid import UUID

import strawberry

from api.auth import MANAGE_OUTREACH
from api.graphql.commands import attempt
from api.graphql.context import Info
from api.graphql.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
    bad_field,
    bad_input,
    domain_error,
    forbidden,
    forbidden_query,
)
from api.graphql.members import Channel
from api.graphql.outreach.outreach_types import (
    Outreach,
    OutreachConnection,
    OutreachEffectiveness,
    OutreachGroupBy,
    OutreachRecorded,
    RecordOutreachResult,
    comparison_of,
    group_of,
    outreach_from_row,
)
from api.graphql.relay import DEFAULT_FIRST, After, First, check_first
from api.services import in_thread
from application.outreach.outreach import OutreachChange, OutreachDesk
from domain.errors import DomainError, InvalidField
from domain.outreach.commands_log import RecordOutreach
from domain.outreach.outcomes import window_end
from domain.outreach.outreach import OutreachPurpose
from projections.cursors import InvalidCursor, Page
from projections.outreach.log import OutreachLogProjection

From = Annotated[
    date, strawberry.argument(name="from", description="The first day of the span (UTC).")
]
To = Annotated[date, strawberry.argument(description="The first day after the span (UTC).")]


@strawberry.input(description="A staff member reached out to a member.")
class RecordOutreachInput:
    member_id: strawberry.ID = strawberry.field(description="The member reached.")
    staff_id: strawberry.ID = strawberry.field(
        description="The staff member who reached out (must be staff, not erased)."
    )
    channel: Channel = strawberry.field(description="Where they reached out.")
    purpose: OutreachPurpose = strawberry.field(description="Why they reached out.")
    note: str | None = strawberry.field(
        default=None,
        description="What was said or agreed (1-5000 characters); personal data, sealed "
        "under the member's key.",
    )
    at: datetime | None = strawberry.field(
        default=None,
        description="When, with a timezone; never in the future; default now.",
    )


def _check_role(info: Info) -> None:
    if not info.context.principal.can_manage_outreach:
        raise forbidden_query("your role may not read outreach (admin, manager only)")


def _uuid(value: str, field: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise bad_input(f"{field}: not an id (a UUID)") from None


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _refused(error: DomainError) -> NotFound | ValidationFailed | Conflict:
    return domain_error(error)


async def outreach_rows(info: Info, page: Page) -> list[Outreach]:
    """The page's outreach with their outcomes now (one facts query)."""
    outcomes = info.context.services.use_cases.outreach_outcomes
    found = await in_thread(outcomes.outcomes, [r["outreach_id"] for r in page.rows])
    return [
        outreach_from_row(
            row, found[row["outreach_id"]], window_end(row["at"], outcomes.reply_days)
        )
        for row in page.rows
        if row["outreach_id"] in found
    ]


@strawberry.type
class OutreachMutation:
    """Mutations of the outreach log."""

    @strawberry.mutation(
        description="Record that a staff member reached out to a member (admin, manager). "
        "The outcome is never typed: it derives from what the member does afterwards."
    )
    async def record_outreach(self, info: Info, input: RecordOutreachInput) -> RecordOutreachResult:
        if not info.context.principal.can_manage_outreach:
            return forbidden("record outreach", MANAGE_OUTREACH)
        desk: OutreachDesk = info.context.services.use_cases.outreach

        def build() -> RecordOutreach:
            return RecordOutreach(
                member_id=input.member_id,
                staff_id=input.staff_id,
                channel=input.channel,
                purpose=input.purpose,
                note=input.note,
                at=input.at,
            )

        outcome = await attempt(build, desk.record, refused=_refused)
        if not isinstance(outcome, OutreachChange):
            return outcome
        outreach_id = outcome.outreach.id
        return OutreachRecorded(
            outreach_id=strawberry.ID(str(outreach_id)),
            outreach=await _load(info, outreach_id, outcome.position),
        )


async def _load(info: Info, outreach_id: UUID, position: int | None) -> Outreach | None:
    services = info.context.services
    if not await in_thread(services.wait_for, OutreachLogProjection.name, position):
        return None
    reveal = info.context.principal.can_read_personal_data
    row = await in_thread(services.outreach_log.by_id, outreach_id, reveal)
    if row is None:
        return None
    found = await outreach_rows(info, Page([row], False, [""]))
    return found[0] if found else None


@strawberry.type
class OutreachQuery:
    """Queries of the outreach log (admin and manager only)."""

    @strawberry.field(
        description="The outreach log newest first, one member's or everyone's, each with "
        "its outcome now. Admin and manager only (FORBIDDEN otherwise)."
    )
    async def outreach_log(
        self,
        info: Info,
        member_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only outreach to this member; all when absent."),
        ] = None,
        first: First = DEFAULT_FIRST,
        after: After = None,
    ) -> OutreachConnection:
        _check_role(info)
        services = info.context.services
        check_first(first, services.settings.max_page_size)
        member = _uuid(member_id, "memberId") if member_id is not None else None
        reveal = info.context.principal.can_read_personal_data
        try:
            page = await in_thread(services.outreach_log.page, member, first, after, reveal)
        except InvalidCursor as error:
            raise bad_input(f"after: {error}") from None
        nodes = await outreach_rows(info, page)
        return OutreachConnection.of(page, after, nodes)

    @strawberry.field(
        description="Whether outreach made in [from, to) worked: per purpose, channel or "
        "staff member, how many were contacted, reply and return rates, and for "
        "AT_RISK_RECOVERY the contacted members' return rate beside comparable at-risk "
        "members not contacted in the same weeks. Admin and manager only."
    )
    async def outreach_effectiveness(
        self,
        info: Info,
        from_: From,
        to: To,
        group_by: Annotated[
            OutreachGroupBy, strawberry.argument(description="How to group the outreach.")
        ] = OutreachGroupBy.PURPOSE,
    ) -> OutreachEffectiveness:
        _check_role(info)
        outcomes = info.context.services.use_cases.outreach_outcomes
        try:
            found = await in_thread(
                outcomes.effectiveness, _instant(from_), _instant(to), group_by.value
            )
        except InvalidField as error:
            raise bad_field(error) from None
        return OutreachEffectiveness(
            from_=from_,
            to=to,
            group_by=group_by,
            reply_days=outcomes.reply_days,
            groups=[group_of(g) for g in found.groups],
            total=group_of(found.total),
            at_risk_recovery=comparison_of(found.recovery),
        )
