"""Success types, conduct-specific errors and named result unions of the conduct mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.conduct import enums  # noqa: F401 (registers the enums)
from api.graphql.conduct.types import ConductIncident
from api.graphql.errors import Conflict, Error, Forbidden, NotFound, ValidationFailed
from domain.conduct import IncidentStatus


@strawberry.type
class IncidentChanged:
    """Base of the success types: the incident after the change (not in the schema)."""

    incident: ConductIncident | None = strawberry.field(
        description="The incident after the change (read your write); null only when the "
        "read model lags past the read-your-writes timeout."
    )
    incident_id: strawberry.ID = strawberry.field(description="The incident's id.")
    version: int = strawberry.field(
        description="The incident's version after the change; pass as expectedVersion."
    )


@strawberry.type(
    description="The conduct process does not allow this from where the incident stands: "
    "nothing was recorded."
)
class ConductMoveConflict(Error):
    code: str = strawberry.field(
        description="Always ILLEGAL_INCIDENT_MOVE (a second appeal is a Conflict: "
        "INCIDENT_ALREADY_APPEALED)."
    )
    status: IncidentStatus = strawberry.field(description="Where the incident stands.")
    move: str = strawberry.field(
        description="What was asked: start_review, uphold, dismiss, appeal, confirm_on_appeal "
        "or overturn_on_appeal."
    )
    allowed: list[str] = strawberry.field(description="The moves allowed from this status.")


def _result(name: str) -> Any:
    """A named result union; clients switch on __typename."""
    return strawberry.union(
        name, description="The success type, or the typed error that explains the refusal."
    )


@strawberry.type(description="The incident is recorded.")
class ConductIncidentReported(IncidentChanged):
    pass


@strawberry.type(description="The review has started.")
class ConductIncidentReviewStarted(IncidentChanged):
    pass


@strawberry.type(description="The incident is decided: upheld with a severity, or dismissed.")
class ConductIncidentDecided(IncidentChanged):
    ambassadorship_retired: bool = strawberry.field(
        description="True when an upheld BAN retired the member's active or paused "
        "ambassadorship (naming this incident)."
    )


@strawberry.type(description="The appeal is recorded; the decision stays in force meanwhile.")
class ConductIncidentAppealed(IncidentChanged):
    pass


@strawberry.type(description="The appeal is decided.")
class ConductAppealDecided(IncidentChanged):
    pass


Errors = ValidationFailed | NotFound | Conflict | Forbidden

ReportConductIncidentResult = Annotated[
    ConductIncidentReported | Errors, _result("ReportConductIncidentResult")
]
ReviewConductIncidentResult = Annotated[
    ConductIncidentReviewStarted | ConductMoveConflict | Errors,
    _result("ReviewConductIncidentResult"),
]
DecideConductIncidentResult = Annotated[
    ConductIncidentDecided | ConductMoveConflict | Errors,
    _result("DecideConductIncidentResult"),
]
AppealConductIncidentResult = Annotated[
    ConductIncidentAppealed | ConductMoveConflict | Errors,
    _result("AppealConductIncidentResult"),
]
DecideConductAppealResult = Annotated[
    ConductAppealDecided | ConductMoveConflict | Errors, _result("DecideConductAppealResult")
]
