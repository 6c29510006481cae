"""Outcomes and effectiveness of outreach: facts from the read model, rules from the domain
(effectiveness tallied by the read model with the same rule, counted, not row by row)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from application.clock import utc_now
from application.outreach.outreach_ports import OutreachFactsSource
from domain.errors import InvalidField
from domain.outreach.effectiveness import Effectiveness, counted_recovery, ordered
from domain.outreach.outcomes import Outcome, derive_outcome

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
        counted = self.source.tallies(start, end, group_by, self.reply_days, now)
        others = self.source.not_contacted(counted.weeks, self.reply_days, now)
        return Effectiveness(
            groups=ordered(counted.groups),
            total=counted.total,
            recovery=counted_recovery(counted.weeks, counted.cases, others),
        )
