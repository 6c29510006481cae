"""What the outreach log's use cases read: the outreach read model, behind ports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from domain.outreach.effectiveness import NotContacted, Tallies
from domain.outreach.outcomes import OutreachFacts


class OutreachFactsSource(Protocol):
    """Outreach made in a span, with the facts their outcomes derive from
    (projections/outreach/log_queries.py)."""

    def facts(
        self, start: datetime, end: datetime, reply_days: int
    ) -> Sequence[tuple[dict[str, Any], OutreachFacts]]:
        """Every outreach made in [start, end) (its row: id, member, staff, channel, purpose,
        at) with the facts of its window; replies and returns looked for only within it."""

    def facts_of(self, outreach_ids: Sequence[UUID], reply_days: int) -> dict[UUID, OutreachFacts]:
        """The facts of these outreaches, by id (unknown ids absent)."""

    def tallies(
        self, start: datetime, end: datetime, group_by: str, reply_days: int, now: datetime
    ) -> Tallies:
        """The figures of outreach made in [start, end) per group and in total, and the
        recovery comparison's contacted cases (outcomes counted, and their weeks), as of now."""

    def not_contacted(self, weeks: Sequence[date], reply_days: int, now: datetime) -> NotContacted:
        """Over these weeks (Mondays): member-weeks at risk and reached by no outreach in
        the week or the reply days before it; how many returned, how many still pending."""
