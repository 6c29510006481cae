"""An incident's statuses, the moves between them, and the severities of an upheld one."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import ConflictError


class IncidentStatus(StrEnum):
    """Where an incident stands: stored by value in events and in the read model."""

    REPORTED = "reported"
    UNDER_REVIEW = "under_review"
    UPHELD = "upheld"
    DISMISSED = "dismissed"
    APPEALED = "appealed"
    # An upheld decision overturned on appeal: no longer upheld, and final.
    OVERTURNED = "overturned"


class IncidentMove(StrEnum):
    """What can happen to an incident, in the imperative."""

    REPORT = "report"
    START_REVIEW = "start_review"
    UPHOLD = "uphold"
    DISMISS = "dismiss"
    APPEAL = "appeal"
    CONFIRM_ON_APPEAL = "confirm_on_appeal"
    OVERTURN_ON_APPEAL = "overturn_on_appeal"


class Severity(StrEnum):
    """How grave an upheld incident is; a suspension runs until a date, a ban for good."""

    WARNING = "warning"
    SUSPENSION = "suspension"
    BAN = "ban"


class AppealOutcome(StrEnum):
    """How an appeal was decided."""

    UPHELD = "upheld"  # the decision appealed stands
    OVERTURNED = "overturned"


S, M = IncidentStatus, IncidentMove
# A manager may decide at once or start a review first. Either decision may be appealed,
# once (the incident refuses a second appeal: see Incident.appeal). The appeal's outcome
# depends on the decision appealed: see APPEAL_OUTCOMES.
MOVES: dict[tuple[IncidentStatus | None, IncidentMove], IncidentStatus | None] = {
    (None, M.REPORT): S.REPORTED,
    (S.REPORTED, M.START_REVIEW): S.UNDER_REVIEW,
    (S.REPORTED, M.UPHOLD): S.UPHELD,
    (S.UNDER_REVIEW, M.UPHOLD): S.UPHELD,
    (S.REPORTED, M.DISMISS): S.DISMISSED,
    (S.UNDER_REVIEW, M.DISMISS): S.DISMISSED,
    (S.UPHELD, M.APPEAL): S.APPEALED,
    (S.DISMISSED, M.APPEAL): S.APPEALED,
    (S.APPEALED, M.CONFIRM_ON_APPEAL): None,
    (S.APPEALED, M.OVERTURN_ON_APPEAL): None,
}
# Where an appeal's outcome leads, from the decision appealed. A confirmed decision stands;
# an overturned ban, suspension or warning is void; an overturned dismissal reopens the
# incident for a new decision (which cannot be appealed again).
APPEAL_OUTCOMES: dict[tuple[IncidentStatus, IncidentMove], IncidentStatus] = {
    (S.UPHELD, M.CONFIRM_ON_APPEAL): S.UPHELD,
    (S.DISMISSED, M.CONFIRM_ON_APPEAL): S.DISMISSED,
    (S.UPHELD, M.OVERTURN_ON_APPEAL): S.OVERTURNED,
    (S.DISMISSED, M.OVERTURN_ON_APPEAL): S.UNDER_REVIEW,
}


class IllegalIncidentMove(ConflictError):
    """A move the conduct process does not allow from where the incident stands, naming both."""

    code = "ILLEGAL_INCIDENT_MOVE"

    def __init__(self, status: IncidentStatus | None, move: IncidentMove) -> None:
        where = "that was never reported" if status is None else status.value.replace("_", " ")
        super().__init__(f"an incident {where} cannot {move.value.replace('_', ' ')}")
        self.status = status
        self.move = move


def after_move(
    status: IncidentStatus | None, move: IncidentMove, appealed: IncidentStatus | None = None
) -> IncidentStatus:
    """The status a move leads to from `status`; `appealed`: the decision under appeal."""
    if (status, move) not in MOVES:
        raise IllegalIncidentMove(status, move)
    found = MOVES[(status, move)]
    if found is None:
        assert appealed is not None, "an appealed incident knows the decision appealed"
        return APPEAL_OUTCOMES[(appealed, move)]
    return found


def allowed_moves(status: IncidentStatus | None) -> list[IncidentMove]:
    """The moves the conduct process allows from `status`, in their declared order."""
    return [move for move in IncidentMove if (status, move) in MOVES]
