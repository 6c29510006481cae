"""Conduct: code-of-conduct incidents, their decisions and appeals, and the standing they give.

What other contexts may use of it is exported here.
"""

from domain.conduct.errors import (
    IncidentModifiedConcurrently,
    IncidentNotFound,
    IncidentVersionMismatch,
)
from domain.conduct.incident import Incident, IncidentAlreadyAppealed
from domain.conduct.moves import (
    AppealOutcome,
    IllegalIncidentMove,
    IncidentMove,
    IncidentStatus,
    Severity,
    after_move,
    allowed_moves,
)

__all__ = [
    "AppealOutcome",
    "IllegalIncidentMove",
    "Incident",
    "IncidentAlreadyAppealed",
    "IncidentModifiedConcurrently",
    "IncidentMove",
    "IncidentNotFound",
    "IncidentStatus",
    "IncidentVersionMismatch",
    "Severity",
    "after_move",
    "allowed_moves",
]
