"""The program's GraphQL enums: the domain's statuses and moves, described for clients."""

from __future__ import annotations

import strawberry

from domain.ambassadors.program import ProgramMove, ProgramStatus

AmbassadorStatusEnum = strawberry.enum(
    ProgramStatus,
    name="AmbassadorStatus",
    description="Where a member stands in the ambassador program: NOMINATED, then ACTIVE "
    "(approved) or DECLINED; PAUSED and back; the term ends EXPIRED unless renewed, or RETIRED.",
)
AmbassadorMoveEnum = strawberry.enum(
    ProgramMove,
    name="AmbassadorMove",
    description="A move of an ambassadorship: the program's events, in the imperative.",
)
