"""Program queries: the ambassador list, and member.ambassadorship."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.ambassadors.types import (
    AmbassadorConnection,
    Ambassadorship,
    ambassadorship_from_row,
    contact_access,
    load_ambassadorship,
)
from api.graphql.context import Info
from api.graphql.errors import bad_input, forbidden_query
from api.graphql.members import Channel
from api.graphql.relay import DEFAULT_FIRST, After, First, check_first
from api.services import in_thread
from domain.ambassadors.commands import MAX_TIER
from domain.ambassadors.program import ProgramStatus
from projections.ambassadors.queries import AmbassadorFilter
from projections.cursors import InvalidCursor


@strawberry.input(description="Which ambassadorships to list; an absent field matches any.")
class AmbassadorFilterInput:
    status: ProgramStatus | None = strawberry.field(
        default=None, description="Only this status (e.g. ACTIVE)."
    )
    tier: str | None = strawberry.field(
        default=None, description=f"Only this tier (exactly, at most {MAX_TIER} characters)."
    )
    channel: Channel | None = strawberry.field(
        default=None, description="Only members found on this channel."
    )


@strawberry.type
class AmbassadorQuery:
    """Queries of the ambassador program."""

    @strawberry.field(
        description="Members in the ambassador program (any status), newest nomination first, "
        "a page at a time (keyset). Every role may read it; e-mails as Ambassadorship.email says."
    )
    async def ambassadors(
        self,
        info: Info,
        filter: Annotated[
            AmbassadorFilterInput | None,
            strawberry.argument(description="Which ambassadorships; all when absent."),
        ] = None,
        first: First = DEFAULT_FIRST,
        after: After = None,
    ) -> AmbassadorConnection:
        check_readable(info)
        services = info.context.services
        check_first(first, services.settings.max_page_size)
        where = _filter(filter)
        try:
            page = await in_thread(
                services.ambassadors.page, where, first, after, contact_access(info)
            )
        except InvalidCursor as error:
            raise bad_input(f"after: {error}") from None
        nodes = [ambassadorship_from_row(row, info) for row in page.rows]
        return AmbassadorConnection.of(page, after, nodes)


async def member_ambassadorship(info: Info, member_id: UUID) -> Ambassadorship | None:
    """member.ambassadorship: the member's place in the program; null if never nominated."""
    check_readable(info)
    return await load_ambassadorship(info, member_id)


def check_readable(info: Info) -> None:
    """FORBIDDEN for a role that may not read ambassadors."""
    if not info.context.principal.can_read_ambassadors:
        raise forbidden_query("your role may not read ambassadors")


def _filter(given: AmbassadorFilterInput | None) -> AmbassadorFilter:
    """The read model's filter; BAD_USER_INPUT for a tier no ambassador could have."""
    if given is None:
        return AmbassadorFilter()
    tier = given.tier
    if tier is not None and (not tier.strip() or len(tier) > MAX_TIER or "\x00" in tier):
        raise bad_input(f"filter.tier: must be a tier name of 1 to {MAX_TIER} characters")
    status = ProgramStatus(given.status).value if given.status is not None else None
    channel = given.channel.value if given.channel is not None else None
    return AmbassadorFilter(status=status, tier=tier, channel=channel)
