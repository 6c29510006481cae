"""Outcomes and effectiveness of outreach: facts from the read model, rules from the domain."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from application.clock import utc_now
from application.outreach.outreach_ports import OutreachFactsSource
from domain.errors import InvalidField
from domain.outreach.effectiveness import (
    DerivedOutreach,
    Effectiveness,
    effectiveness,
    recovery_weeks,
)
from domain.outreach.outcomes import Outcome, OutreachFacts, derive_outcome
from domain.outreach.outreach import OutreachPurpose

GROUPINGS = ("purpose", "channel", "staff")
# A longer span is refused: the figures of more than two years are not one morning's read.
MAX_SPAN_DAYS = 2 * 366


class OutreachOutcomes:
    """What came of outreach, as of now, under the configured reply window."""

    def __init__(
        self,
        source: OutreachFactsSource,
        reply_days: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.source = source
        self.reply_days = reply_days
        self.clock = clock

    def outcomes(self, outreach_ids: Sequence[UUID]) -> dict[UUID, Outcome]:
        """Each outreach's outcome now (unknown ids absent)."""
        now = self.clock()
        found = self.source.facts_of(outreach_ids, self.reply_days)
        return {
            i: derive_outcome(facts, now=now, reply_days=self.reply_days)
            for i, facts in found.items()
        }

    def effectiveness(self, start: datetime, end: datetime, group_by: str) -> Effectiveness:
        """The figures of outreach made in [start, end), grouped, with the recovery comparison."""
        if end <= start:
            raise InvalidField("to", "must be after from")
        if (end - start).days > MAX_SPAN_DAYS:
            raise InvalidField("to", f"the span must be at most {MAX_SPAN_DAYS} days")
        if group_by not in GROUPINGS:
            raise InvalidField("groupBy", f"must be one of {', '.join(GROUPINGS)}")
        now = self.clock()
        derived = [
            _derived(row, derive_outcome(facts, now=now, reply_days=self.reply_days), facts)
            for row, facts in self.source.facts(start, end, self.reply_days)
        ]
        weeks = recovery_weeks(derived)
        others = self.source.not_contacted(weeks, self.reply_days, now)
        return effectiveness(derived, group_by, others)


def _derived(row: dict[str, Any], outcome: Outcome, facts: OutreachFacts) -> DerivedOutreach:
    return DerivedOutreach(
        outreach_id=row["outreach_id"],
        member_id=row["member_id"],
        at=facts.at,
        purpose=OutreachPurpose(row["purpose"]),
        channel=row["channel"],
        staff_id=row["staff_id"],
        outcome=outcome,
        stage_at_contact=facts.stage_at_contact,
    )
