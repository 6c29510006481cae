"""GraphQL inputs of the program mutations; validation happens in the domain commands."""

from __future__ import annotations

import strawberry

from domain.ambassadors.commands import MAX_REASON, MAX_TIER

_MEMBER = "The member whose ambassadorship moves."
_BY = "The member (staff) who makes the move."
_VERSION = "Refuse with a VERSION_MISMATCH conflict if the ambassadorship is not at this version."
_TIER = f"The tier (one line, 1 to {MAX_TIER} characters), e.g. gold."
_REASON = f"Why (one line, 1 to {MAX_REASON} characters); shown to admin and manager only."


@strawberry.input(description="A move of a member's ambassadorship.")
class AmbassadorMoveInput:
    member_id: strawberry.ID = strawberry.field(description=_MEMBER)
    by: strawberry.ID = strawberry.field(description=_BY)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)


@strawberry.input(description="A nomination: the member's candidacy factors now are kept.")
class NominateAmbassadorInput(AmbassadorMoveInput):
    pass


@strawberry.input(description="An approval at a tier; the term starts now.")
class ApproveAmbassadorInput(AmbassadorMoveInput):
    tier: str = strawberry.field(description=_TIER)


@strawberry.input(description="A nomination turned down.")
class DeclineAmbassadorInput(AmbassadorMoveInput):
    reason: str = strawberry.field(description=_REASON)


@strawberry.input(description="A move to another tier.")
class ChangeAmbassadorTierInput(AmbassadorMoveInput):
    tier: str = strawberry.field(description=_TIER)


@strawberry.input(description="A pause: the ambassador steps back; the term still runs.")
class PauseAmbassadorInput(AmbassadorMoveInput):
    reason: str | None = strawberry.field(default=None, description=_REASON)


@strawberry.input(description="The ambassador is back from a pause.")
class ResumeAmbassadorInput(AmbassadorMoveInput):
    pass


@strawberry.input(description="A renewal: the term is extended by one term from its end.")
class RenewAmbassadorInput(AmbassadorMoveInput):
    pass


@strawberry.input(description="A retirement: the ambassadorship ends.")
class RetireAmbassadorInput(AmbassadorMoveInput):
    reason: str = strawberry.field(description=_REASON)
