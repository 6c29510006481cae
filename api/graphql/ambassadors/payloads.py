"""Success types, the program's move conflict and the named result unions of its mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.ambassadors.types import Ambassadorship
from api.graphql.errors import Conflict, Error, Forbidden, NotFound, ValidationFailed
from domain.ambassadors.program import ProgramMove, ProgramStatus


@strawberry.type
class AmbassadorshipChanged:
    """Base of the success types: the ambassadorship after the move (not in the schema)."""

    ambassadorship: Ambassadorship | None = strawberry.field(
        description="The ambassadorship after the move (read your write); null only when the "
        "read model lags past the read-your-writes timeout."
    )
    member_id: strawberry.ID = strawberry.field(description="The member.")
    version: int = strawberry.field(
        description="The ambassadorship's version after the move; pass as expectedVersion."
    )


@strawberry.type(
    description="The program does not allow this move from where the member stands: nothing "
    "was recorded."
)
class AmbassadorMoveConflict(Error):
    code: str = strawberry.field(description="Always ILLEGAL_PROGRAM_MOVE.")
    status: ProgramStatus | None = strawberry.field(
        description="Where the member stands; null when never nominated."
    )
    move: ProgramMove = strawberry.field(description="The move asked for.")
    allowed: list[ProgramMove] = strawberry.field(
        description="The moves the program allows from this status (EXPIRE is the expiry job's)."
    )


def _result(name: str) -> Any:
    """A named result union; clients switch on __typename."""
    return strawberry.union(
        name, description="The success type, or the typed error that explains the refusal."
    )


@strawberry.type(description="The member is nominated; the candidacy factors are kept.")
class AmbassadorNominated(AmbassadorshipChanged):
    pass


@strawberry.type(description="The nomination is approved: the member is an active ambassador.")
class AmbassadorApproved(AmbassadorshipChanged):
    pass


@strawberry.type(description="The nomination is declined.")
class AmbassadorDeclined(AmbassadorshipChanged):
    pass


@strawberry.type(description="The ambassador's tier is changed (the same tier records nothing).")
class AmbassadorTierChanged(AmbassadorshipChanged):
    pass


@strawberry.type(description="The ambassador is paused; the term still runs.")
class AmbassadorPaused(AmbassadorshipChanged):
    pass


@strawberry.type(description="The ambassador is active again.")
class AmbassadorResumed(AmbassadorshipChanged):
    pass


@strawberry.type(description="The term is extended by one term.")
class AmbassadorRenewed(AmbassadorshipChanged):
    pass


@strawberry.type(description="The ambassador is retired.")
class AmbassadorRetired(AmbassadorshipChanged):
    pass


Errors = AmbassadorMoveConflict | ValidationFailed | NotFound | Conflict | Forbidden

NominateAmbassadorResult = Annotated[
    AmbassadorNominated | Errors, _result("NominateAmbassadorResult")
]
ApproveAmbassadorResult = Annotated[AmbassadorApproved | Errors, _result("ApproveAmbassadorResult")]
DeclineAmbassadorResult = Annotated[AmbassadorDeclined | Errors, _result("DeclineAmbassadorResult")]
ChangeAmbassadorTierResult = Annotated[
    AmbassadorTierChanged | Errors, _result("ChangeAmbassadorTierResult")
]
PauseAmbassadorResult = Annotated[AmbassadorPaused | Errors, _result("PauseAmbassadorResult")]
ResumeAmbassadorResult = Annotated[AmbassadorResumed | Errors, _result("ResumeAmbassadorResult")]
RenewAmbassadorResult = Annotated[AmbassadorRenewed | Errors, _result("RenewAmbassadorResult")]
RetireAmbassadorResult = Annotated[AmbassadorRetired | Errors, _result("RetireAmbassadorResult")]
