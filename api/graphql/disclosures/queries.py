"""Queries of the disclosures context: `exports`, and member.disclosures (via MemberFields)."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.auth import EXPORT_AMBASSADORS
from api.graphql.context import Info
from api.graphql.disclosures.types import DisclosureConnection, disclosure_from_row
from api.graphql.errors import forbidden_query
from api.graphql.relay import DEFAULT_FIRST, After, First, PageRequest


@strawberry.type
class DisclosureQuery:
    """Queries of the disclosures context."""

    @strawberry.field(
        description="Every export of members' data, newest first: who, when, filter, rule"
        " versions, row count and the members held. Admin, manager and marketing."
    )
    async def exports(
        self, info: Info, first: First = DEFAULT_FIRST, after: After = None
    ) -> DisclosureConnection:
        if not info.context.principal.can_export_ambassadors:
            roles = ", ".join(role.value for role in EXPORT_AMBASSADORS)
            raise forbidden_query(f"reading exports needs one of the roles {roles}")
        request = PageRequest.checked(info, first, after)
        page = await request.read(info.context.services.disclosures.exports)
        return DisclosureConnection.of(page, after, map(disclosure_from_row, page.rows))


async def member_disclosures(
    info: Info, member_id: UUID, first: int, after: str | None
) -> DisclosureConnection:
    """The exports that held the member, newest first (admin and manager only)."""
    # Who received a person's data is itself about the person: personal-data roles only.
    if not info.context.principal.can_read_personal_data:
        raise forbidden_query("reading a member's disclosures needs the admin or manager role")
    request = PageRequest.checked(info, first, after)
    queries = info.context.services.disclosures
    page = await request.read(lambda a, n: queries.member_exports(member_id, a, n))
    return DisclosureConnection.of(page, after, map(disclosure_from_row, page.rows))
