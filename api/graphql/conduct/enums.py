"""The conduct context's GraphQL enums: the domain's own, described for clients.

strawberry.enum registers the domain's classes themselves: other modules use them as types.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.conduct import AppealOutcome, IncidentStatus, Severity

strawberry.enum(
    IncidentStatus,
    name="ConductIncidentStatus",
    description=(
        "Where an incident stands: REPORTED, UNDER_REVIEW, then UPHELD or DISMISSED; "
        "APPEALED while an appeal is pending (the decision stays in force meanwhile); "
        "OVERTURNED: an upheld decision overturned on appeal (no longer upheld). An "
        "overturned dismissal goes back to UNDER_REVIEW for a new, final decision."
    ),
)
strawberry.enum(
    Severity,
    name="ConductSeverity",
    description="How grave an upheld incident is: a WARNING, a SUSPENSION until a date, a BAN.",
)
strawberry.enum(
    AppealOutcome,
    name="ConductAppealOutcome",
    description="UPHELD: the decision appealed stands. OVERTURNED: it no longer holds.",
)


@strawberry.enum(description="What a decision does with the report.")
class ConductDecision(Enum):
    UPHOLD = "uphold"
    DISMISS = "dismiss"


@strawberry.enum(
    description="A member's standing from their upheld conduct incidents, now: GOOD, "
    "SUSPENDED (until a date; a suspension whose end has passed reads GOOD) or BANNED."
)
class Standing(Enum):
    GOOD = "good"
    SUSPENDED = "suspended"
    BANNED = "banned"


@strawberry.enum(description="What happened to an incident, in its history.")
class ConductChangeKind(Enum):
    REPORTED = "reported"
    REVIEW_STARTED = "review_started"
    UPHELD = "upheld"
    DISMISSED = "dismissed"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal_decided"
