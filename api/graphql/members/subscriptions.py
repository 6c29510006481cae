"""Member subscriptions: a member page kept up to date without polling."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from functools import partial

import strawberry

from api.graphql.context import Info
from api.graphql.members.queries import _uuid, member_by_id
from api.graphql.members.types import Member
from api.services import in_thread
from domain.members.member import Member as MemberAggregate
from projections.lifecycle.projection import LifecycleProjection
from projections.live import originators, stored_positions
from projections.members.projection import MembersProjection

# The member's own events, as applied by the view that shows them: the members view for
# the profile, identities, tags, flags, leaving, erasure and merges; the lifecycle view
# for stage changes (its other topics are the members view's too: announced once).
WATCHED: dict[str, frozenset[str]] = {
    MembersProjection.name: MembersProjection.topics,
    LifecycleProjection.name: frozenset({MemberAggregate.StageChanged.TOPIC}),
}


@strawberry.type
class MemberSubscription:
    """Subscriptions of the members context."""

    @strawberry.subscription(
        description="The member now, then again each time one of its events has been applied:"
        " profile, identities, tags, flags, leaving, erasure and merges (the members view), and"
        " stage changes (the lifecycle view). Answered as the member query answers, masked for"
        " your role; null when no such member exists."
    )
    async def member_changed(
        self, info: Info, id: strawberry.ID
    ) -> AsyncGenerator[Member | None, None]:
        member_id = _uuid(id, "id")
        live, pool = info.context.live, info.context.services.pool

        async def changes() -> AsyncGenerator[Member | None, None]:
            # Following starts before the first answer: no change falls in between; and
            # what the views had applied then is in that answer, not sent again.
            with live.following(WATCHED) as spans:
                applied = await in_thread(stored_positions, pool, WATCHED)
                yield await member_by_id(info, id)
                async for span in spans:
                    if span.until <= applied[span.name]:
                        continue
                    read = partial(originators, pool, WATCHED[span.name])
                    touched = await span.read(f"originators:{span.name}", read)
                    if member_id in touched:
                        yield await member_by_id(info, id)

        return changes()
