"""What the ambassador program needs from elsewhere, as ports the composition root fills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class CandidacySnapshot:
    """What the candidacy rule saw of a member: kept by a nomination as its evidence."""

    rule_version: str
    # factor name -> the factor's value (engagement, tenure_days, breadth, helpfulness, ...)
    factors: dict[str, float]


class CandidacyFactors(Protocol):
    """The candidacy factors of one member now, under the configured rule."""

    def snapshot(self, member_id: UUID) -> CandidacySnapshot:
        """The member's factors and the rule version that computed them."""
        ...


class TermsDue(Protocol):
    """The read model's ambassadorships whose term has ended by an instant (PROGRAM's expiry)."""

    def terms_due(self, now: datetime) -> list[UUID]:
        """Members whose active or paused term ended at or before `now`, earliest first."""
        ...
