"""Program mutations: each builds a command, moves the ambassadorship, returns its result union.

Admin and manager only. An illegal move is an AmbassadorMoveConflict naming status and move.
"""

from __future__ import annotations

from typing import Any

import strawberry

from api.graphql.ambassadors import inputs as i
from api.graphql.ambassadors import payloads as p
from api.graphql.ambassadors.execute import execute
from api.graphql.context import Info
from application.ambassadors.program import ProgramDesk
from domain.ambassadors import commands as cmd


def _base(given: i.AmbassadorMoveInput) -> dict[str, Any]:
    """The fields every move's command takes."""
    return {
        "member_id": given.member_id,
        "by": given.by,
        "expected_version": given.expected_version,
    }


@strawberry.type
class ProgramMutation:
    """Mutations of the ambassador program."""

    @strawberry.mutation(
        description="Nominate a member (not staff, a bot, erased or gone) for the program; "
        "the candidacy factors and rule version now are kept with the nomination."
    )
    async def nominate_ambassador(
        self, info: Info, input: i.NominateAmbassadorInput
    ) -> p.NominateAmbassadorResult:
        return await execute(
            info,
            "nominate ambassadors",
            lambda: cmd.NominateAmbassador(**_base(input)),
            ProgramDesk.nominate,
            p.AmbassadorNominated,
        )

    @strawberry.mutation(description="Approve a nomination at a tier: the term starts now.")
    async def approve_ambassador(
        self, info: Info, input: i.ApproveAmbassadorInput
    ) -> p.ApproveAmbassadorResult:
        return await execute(
            info,
            "approve ambassadors",
            lambda: cmd.ApproveAmbassador(**_base(input), tier=input.tier),
            ProgramDesk.approve,
            p.AmbassadorApproved,
        )

    @strawberry.mutation(description="Decline a nomination, saying why.")
    async def decline_ambassador(
        self, info: Info, input: i.DeclineAmbassadorInput
    ) -> p.DeclineAmbassadorResult:
        return await execute(
            info,
            "decline ambassadors",
            lambda: cmd.DeclineAmbassador(**_base(input), reason=input.reason),
            ProgramDesk.decline,
            p.AmbassadorDeclined,
        )

    @strawberry.mutation(description="Move an active or paused ambassador to another tier.")
    async def change_ambassador_tier(
        self, info: Info, input: i.ChangeAmbassadorTierInput
    ) -> p.ChangeAmbassadorTierResult:
        return await execute(
            info,
            "change ambassador tiers",
            lambda: cmd.ChangeAmbassadorTier(**_base(input), tier=input.tier),
            ProgramDesk.change_tier,
            p.AmbassadorTierChanged,
        )

    @strawberry.mutation(description="Pause an active ambassador; the term still runs.")
    async def pause_ambassador(
        self, info: Info, input: i.PauseAmbassadorInput
    ) -> p.PauseAmbassadorResult:
        return await execute(
            info,
            "pause ambassadors",
            lambda: cmd.PauseAmbassador(**_base(input), reason=input.reason),
            ProgramDesk.pause,
            p.AmbassadorPaused,
        )

    @strawberry.mutation(description="Resume a paused ambassador.")
    async def resume_ambassador(
        self, info: Info, input: i.ResumeAmbassadorInput
    ) -> p.ResumeAmbassadorResult:
        return await execute(
            info,
            "resume ambassadors",
            lambda: cmd.ResumeAmbassador(**_base(input)),
            ProgramDesk.resume,
            p.AmbassadorResumed,
        )

    @strawberry.mutation(
        description="Renew an active or paused ambassador's term by one term, from its end "
        "(CRM_AMBASSADOR_TERM_DAYS, default 365); an unrenewed term ends EXPIRED."
    )
    async def renew_ambassador(
        self, info: Info, input: i.RenewAmbassadorInput
    ) -> p.RenewAmbassadorResult:
        return await execute(
            info,
            "renew ambassadors",
            lambda: cmd.RenewAmbassador(**_base(input)),
            ProgramDesk.renew,
            p.AmbassadorRenewed,
        )

    @strawberry.mutation(description="Retire an active or paused ambassador, saying why.")
    async def retire_ambassador(
        self, info: Info, input: i.RetireAmbassadorInput
    ) -> p.RetireAmbassadorResult:
        return await execute(
            info,
            "retire ambassadors",
            lambda: cmd.RetireAmbassador(**_base(input), reason=input.reason),
            ProgramDesk.retire,
            p.AmbassadorRetired,
        )
