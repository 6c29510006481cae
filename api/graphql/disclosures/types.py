"""GraphQL types of the disclosures context: each export of members' data, and whom it held."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.relay import DEFAULT_FIRST, After, Connection, Edge, First, PageRequest, relay_type


@strawberry.enum(description="What an export held, and why it was made.")
class DisclosureKind(Enum):
    MARKETING_AMBASSADORS = "marketing_ambassadors"
    DATA_SUBJECT_ACCESS = "data_subject_access"


@strawberry.type(
    description="A member an export held, by id: an erased member shows as erased, unnamed."
)
class DisclosedMember:
    id: strawberry.ID = strawberry.field(description="The member's id (a UUID).")
    erased: bool = strawberry.field(description="The member was erased since (or is unknown).")
    display_name: str | None = strawberry.field(
        description="The member's name now; null once erased, or when your role may not see"
        " personal data."
    )


@relay_type(
    "A member an export held, with its cursor.",
    node="The member, by id.",
    cursor="Opaque position of this member in the export.",
)
class DisclosedMemberEdge(Edge[DisclosedMember]):
    """An edge of an export's members."""


@relay_type("A page of the members an export held, by id.", edges="Members with cursors.")
class DisclosedMemberConnection(Connection[DisclosedMemberEdge]):
    """A page of an export's members."""


@strawberry.type(
    description="One export of members' data: who received it, when, under which filter and"
    " rules, and whose data it held (ids only)."
)
class Disclosure:
    id: strawberry.ID = strawberry.field(description="The export's id (a UUID).")
    kind: DisclosureKind = strawberry.field(description="What was exported, and why.")
    requested_by: str = strawberry.field(
        description="Who received it: the API key's name, or the CLI operator."
    )
    role: str = strawberry.field(description="The role it was made with (cli: the CLI).")
    key_id: strawberry.ID | None = strawberry.field(
        description="The API key it was made with; null from the CLI."
    )
    at: datetime = strawberry.field(description="When the data left.")
    filter: JSON = strawberry.field(description="The filter asked (status, tier, channel).")
    rule_versions: JSON = strawberry.field(
        description="The rule versions in force: engagement score, candidacy."
    )
    row_count: int = strawberry.field(description="How many members it held.")

    @strawberry.field(description="The members it held, by id, in id order.")
    async def members(
        self, info: Info, first: First = DEFAULT_FIRST, after: After = None
    ) -> DisclosedMemberConnection:
        request = PageRequest.checked(info, first, after)
        queries = info.context.services.disclosures
        export_id = UUID(self.id)
        page = await request.read(lambda a, n: queries.export_members(export_id, a, n))
        reveal = info.context.principal.can_read_personal_data
        nodes = [_disclosed_member(row, reveal) for row in page.rows]
        return DisclosedMemberConnection.of(page, after, nodes)


@relay_type(
    "An export with its cursor in the list.",
    node="The export.",
    cursor="Opaque position of this export in the list.",
)
class DisclosureEdge(Edge[Disclosure]):
    """An edge of the list of exports."""


@relay_type("A page of exports, newest first.", edges="Exports with their cursors.")
class DisclosureConnection(Connection[DisclosureEdge]):
    """A page of exports."""


def disclosure_from_row(row: dict[str, Any]) -> Disclosure:
    """The DTO of a `disclosures` row."""
    return Disclosure(
        id=strawberry.ID(str(row["export_id"])),
        kind=DisclosureKind(row["kind"]),
        requested_by=row["requested_by"],
        role=row["role"],
        key_id=strawberry.ID(str(row["key_id"])) if row["key_id"] else None,
        at=row["at"],
        filter=JSON(row["filter"]),
        rule_versions=JSON(row["rule_versions"]),
        row_count=row["row_count"],
    )


def _disclosed_member(row: dict[str, Any], reveal: bool) -> DisclosedMember:
    return DisclosedMember(
        id=strawberry.ID(str(row["member_id"])),
        erased=bool(row["erased"]),
        display_name=row["display_name"] if reveal and not row["erased"] else None,
    )
