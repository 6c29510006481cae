"""What the candidacy job and its simulation need from the read models, as a port.

projections/ambassadors/candidacy_runs.py implements it in SQL; the composition root wires it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.ambassadors.candidacy import Factor
from domain.ambassadors.runs import Decide, FactorQuery, Memory, Reading, RunReport


class CandidacyRuns(Protocol):
    """The candidacy tables and the factor readings behind them."""

    def record_run(self, query: FactorQuery, decide: Decide) -> RunReport:
        """Read, decide and record one run in one transaction (a run at the same instant
        is replaced)."""
        ...

    def read(self, query: FactorQuery) -> Reading:
        """The factors of the counted members within reach of candidacy; records nothing."""
        ...

    def memory(self, rule_version: str, before: datetime) -> Memory:
        """The latest run of the version before the instant (empty when there is none)."""
        ...

    def member_factors(self, query: FactorQuery, member_id: UUID) -> dict[Factor, float]:
        """One member's factors, gates aside (zeros for a member not in the read model)."""
        ...

    def last_run_at(self, rule_version: str) -> datetime | None:
        """When the latest run of the version was evaluated."""
        ...
