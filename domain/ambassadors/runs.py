"""A candidacy run's values: the factor reading asked for, what it found, what a run records.

The evaluation job (application/ambassadors/candidacy.py) and its SQL (projections/
ambassadors/candidacy_runs.py) exchange these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.ambassadors.candidacy import CandidacyRule, Factor


@dataclass(frozen=True)
class FactorQuery:
    """One reading of candidacy factors: the rule, the engagement weights, the instant."""

    rule: CandidacyRule
    weights: Mapping[str, float]  # interaction kind -> weight (the engagement rule's)
    at: datetime


@dataclass(frozen=True)
class MemberFactors:
    """One member's factors at an instant, and the channels they were active on."""

    member_id: UUID
    factors: dict[Factor, float]
    channels: list[str]


@dataclass(frozen=True)
class Reading:
    """The counted members at an instant: how many, and those within reach of candidacy.

    Only members with every factor at least at its floor (hysteresis x threshold) are
    read: the others can be candidates neither by entering nor by staying.
    """

    examined: int
    within_reach: list[MemberFactors]


@dataclass(frozen=True)
class Memory:
    """The candidates of the run before an instant: who they were, and since when."""

    evaluated_at: datetime | None
    since: dict[UUID, datetime]


@dataclass(frozen=True)
class CandidateRow:
    """A candidate as a run records it."""

    member_id: UUID
    score: float
    factors: dict[str, dict[str, float | bool]]
    candidate_since: datetime
    channels: list[str]


# Given the reading and the memory, the candidates to record.
Decide = Callable[[Reading, Memory], list[CandidateRow]]


@dataclass(frozen=True)
class RunReport:
    """One recorded run of a rule version."""

    rule_version: str
    evaluated_at: datetime
    examined: int
    candidates: int
    entered: int
    left: int
