"""Lifecycle subscriptions: the at-risk list kept up to date without polling."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.graphql.context import Info
from api.graphql.lifecycle.types import MemberStage
from api.graphql.members import Member, load_members
from api.services import in_thread
from projections.lifecycle.at_risk_changes import AtRiskChange as AtRiskChangeRow
from projections.lifecycle.projection import LifecycleProjection


@strawberry.type(description="A member who entered or left the at-risk list.")
class AtRiskChange:
    member: Member = strawberry.field(
        description="The member, as the member query answers, masked for your role."
    )
    at_risk: bool = strawberry.field(
        description="true: the member entered the at-risk list; false: they left it."
    )
    stage: MemberStage | None = strawberry.field(
        description="The member's stage after the change; null when they have none any more"
        " (erased, or merged into another member)."
    )
    previous: MemberStage | None = strawberry.field(
        description="The stage before the change; null when not recorded."
    )


@strawberry.type
class LifecycleSubscription:
    """Subscriptions of the lifecycle context."""

    @strawberry.subscription(
        description="Each member entering or leaving the at-risk list (a stage change to or"
        " from AT_RISK, leaving, rejoining, erasure, merges), from the moment you subscribe,"
        " once the lifecycle view has applied it; members masked for your role."
    )
    async def at_risk_changed(self, info: Info) -> AsyncGenerator[AtRiskChange, None]:
        live, services = info.context.live, info.context.services
        reveal = info.context.principal.can_read_personal_data

        async def changes() -> AsyncGenerator[AtRiskChange, None]:
            with live.following([LifecycleProjection.name]) as spans:
                async for span in spans:
                    found = await span.read("at_risk", services.lifecycle.at_risk_changes)
                    if not found:
                        continue
                    ids = list(dict.fromkeys(change.member_id for change in found))
                    members = await in_thread(load_members, services, ids, reveal)
                    by_id = {str(member.id): member for member in members}
                    for change in found:
                        if (member := by_id.get(str(change.member_id))) is not None:
                            yield _change(member, change)

        return changes()


def _change(member: Member, row: AtRiskChangeRow) -> AtRiskChange:
    return AtRiskChange(member=member, at_risk=row.at_risk, stage=row.stage, previous=row.previous)
