"""Member queries: one member, a member by identity, and the filtered member list."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_input, checked_tag, forbidden_query
from api.graphql.members.inputs import MemberFilterInput
from api.graphql.members.rows import member_from_row
from api.graphql.members.types import Channel, Member, MemberConnection
from api.graphql.relay import DEFAULT_FIRST, After, First, PageRequest
from api.services import Services, in_thread
from domain.values import check_handle
from projections.members.queries import DEFAULT_STATUSES, MemberFilter, MemberOrder

# The GraphQL enum is the query module's own class (strawberry.enum returns the class given).
MemberOrderEnum = MemberOrder
strawberry.enum(MemberOrderEnum, name="MemberOrder", description="How the member list is sorted.")


@strawberry.type
class MemberQuery:
    """Queries of the members context."""

    @strawberry.field(description="One member by id; null when no such member exists.")
    async def member(self, info: Info, id: strawberry.ID) -> Member | None:
        return await member_by_id(info, id)

    @strawberry.field(
        description="The member holding a handle on a channel; needs personal-data access."
    )
    async def member_by_identity(
        self,
        info: Info,
        channel: Channel,
        handle: str,
    ) -> Member | None:
        principal = info.context.principal
        if not principal.can_read_personal_data:
            raise forbidden_query("your role may not look members up by handle")
        try:
            # The same cleaning as when handles are linked: NFC, no control characters.
            handle = check_handle(handle)
        except ValueError as error:
            raise bad_input(f"handle: {error}") from None
        services = info.context.services
        row = await in_thread(services.members.by_identity, channel.value, handle)
        if row is None:
            return None
        # Found through the handle's blind index; the page opens the member's data.
        members = await in_thread(load_members, services, [row["member_id"]], True)
        return members[0] if members else None

    @strawberry.field(
        description="Members matching a filter, a page at a time (keyset cursors). Searching,"
        " or sorting by name, needs personal-data access."
    )
    async def members(
        self,
        info: Info,
        filter: MemberFilterInput | None = None,
        order_by: MemberOrderEnum = MemberOrder.JOINED_AT_DESC,
        first: First = DEFAULT_FIRST,
        after: After = None,
    ) -> MemberConnection:
        services = info.context.services
        request = PageRequest.checked(info, first, after)
        reveal = info.context.principal.can_read_personal_data
        if order_by == MemberOrder.DISPLAY_NAME_ASC and not reveal:
            # The order, and the cursors that carry each row's sort key, would reveal names.
            raise forbidden_query(
                "orderBy: your role may not sort members by name, since names are personal"
                " data (sort by JOINED_AT_DESC or JOINED_AT_ASC)"
            )
        where = services.members.search_filter(
            _filter(filter, reveal, services.settings.motivation_options())
        )
        order = MemberOrder(order_by)
        page = await request.read(
            lambda cursor, size: services.members.page(where, order, cursor, size)
        )
        ids = [row["member_id"] for row in page.rows]
        identities = await in_thread(services.members.identities, ids) if ids else {}
        await in_thread(services.members.open, page.rows, identities, reveal)
        nodes = [member_from_row(r, identities[r["member_id"]], reveal) for r in page.rows]
        return MemberConnection.of(page, after, nodes, where=where)


async def member_by_id(info: Info, id: str) -> Member | None:
    """One member by id (a UUID), masked for the caller's role as every member read is."""
    member_id = _uuid(id, "id")
    reveal = info.context.principal.can_read_personal_data
    members = await in_thread(load_members, info.context.services, [member_id], reveal)
    return members[0] if members else None


def load_members(services: Services, member_ids: list[UUID], reveal: bool) -> list[Member]:
    """Member DTOs for these ids, in order; absent ids are skipped."""
    rows = services.members.by_ids(member_ids)
    identities = services.members.identities(list(rows))
    services.members.open(rows.values(), identities, reveal)
    return [member_from_row(rows[m], identities[m], reveal) for m in member_ids if m in rows]


def _uuid(value: str, field: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise bad_input(f"{field}: not a member id (a UUID)") from None


def _filter(
    given: MemberFilterInput | None, reveal: bool, motivations: tuple[str, ...]
) -> MemberFilter:
    if given is None:
        return MemberFilter()
    tag = checked_tag(given.tag)
    search = given.search.strip() if given.search else None
    if search and not reveal:
        # Search matches names, e-mails and handles: answering it would reveal them.
        raise forbidden_query(
            "filter.search: your role may not search members, since search matches"
            " personal data (names, e-mails, handles)"
        )
    if search is not None and len(search) > 100:
        raise bad_input("filter.search: at most 100 characters")
    if search is not None and "\x00" in search:
        raise bad_input("filter.search: must not contain NUL characters")
    if given.motivation is not None and given.motivation not in motivations:
        raise bad_input(f"filter.motivation: not an option; one of {', '.join(motivations)}")
    statuses = tuple(s.value for s in given.status) if given.status else DEFAULT_STATUSES
    return MemberFilter(
        statuses=statuses,
        tag=tag,
        channel=given.channel.value if given.channel else None,
        search=search or None,
        is_staff=given.is_staff,
        is_bot=given.is_bot,
        standing=given.standing.value if given.standing else None,
        motivation=given.motivation,
    )
