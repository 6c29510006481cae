"""Rule simulation: what a draft stage rule would flag, compared with the configured one.

Answers the `simulateAtRiskRule` query; it reads the lifecycle read model and records nothing.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.clock import Clock, utc_now
from application.lifecycle.evaluation import PAGE
from application.lifecycle.ports import MemberHistories
from domain.interactions.engagement import EngagementRule
from domain.lifecycle.rule import StageRule
from domain.lifecycle.stages import Assessment, Stage, judge
from domain.moments import TimeBounds


@dataclass(frozen=True)
class Flagged:
    """A member a rule flags at risk, with its assessment under both rules."""

    member_id: UUID
    draft: Assessment
    current: Assessment


@dataclass(frozen=True)
class Simulation:
    """What a draft rule would flag at an instant, compared with the current rule."""

    at: datetime
    examined: int
    flagged_by_draft: int
    flagged_by_current: int
    draft_flagged: list[Flagged]
    newly_flagged: list[Flagged]
    no_longer_flagged: list[Flagged]


class RuleSimulation:
    """What a draft stage rule would flag, compared with the configured one; records nothing."""

    def __init__(
        self,
        bounds: TimeBounds,
        histories: MemberHistories,
        *,
        current: StageRule,
        engagement: EngagementRule,
        clock: Clock = utc_now,
    ) -> None:
        self.bounds = bounds
        self.histories = histories
        self.current = current
        self.engagement = engagement
        self.clock = clock

    def simulate(self, draft: StageRule, at: datetime, *, listed: int = 50) -> Simulation:
        """Judge every counted member under both rules at `at`, recording nothing.

        Both rules judge each member's interactions up to `at` and nothing else; lists keep
        the `listed` members with the most at stake under the draft.
        """
        self.bounds.check("as_of", at, self.clock())
        return simulate_rule(self.histories, draft, self.current, self.engagement, at, listed)


def simulate_rule(
    histories: MemberHistories,
    draft: StageRule,
    current: StageRule,
    engagement: EngagementRule,
    at: datetime,
    listed: int,
) -> Simulation:
    """Both rules' judgements of every counted member at `at` (see RuleSimulation.simulate)."""
    lists: dict[str, list[tuple[float, str, Flagged]]] = {"draft": [], "new": [], "gone": []}
    examined = by_draft = by_current = 0
    after = UUID(int=0)
    half_life = engagement.half_life
    while page := histories.histories(engagement, until=at, after=after, limit=PAGE):
        for history in page:
            judged = Flagged(
                history.member_id,
                judge(draft, history, at, half_life=half_life),
                judge(current, history, at, half_life=half_life),
            )
            in_draft = judged.draft.stage is Stage.AT_RISK
            in_current = judged.current.stage is Stage.AT_RISK
            by_draft += in_draft
            by_current += in_current
            for name, keep in (
                ("draft", in_draft),
                ("new", in_draft and not in_current),
                ("gone", in_current and not in_draft),
            ):
                if keep:
                    _keep_top(lists[name], judged, listed)
        examined += len(page)
        after = page[-1].member_id
    return Simulation(
        at,
        examined,
        by_draft,
        by_current,
        *(_ranked(lists[name]) for name in ("draft", "new", "gone")),
    )


def _keep_top(heap: list[tuple[float, str, Flagged]], judged: Flagged, size: int) -> None:
    flagged_by = judged.draft if judged.draft.stage is Stage.AT_RISK else judged.current
    entry = (flagged_by.evidence.stake, str(judged.member_id), judged)
    if len(heap) < size:
        heapq.heappush(heap, entry)
    elif entry[:2] > heap[0][:2]:
        heapq.heapreplace(heap, entry)


def _ranked(heap: list[tuple[float, str, Flagged]]) -> list[Flagged]:
    return [entry[2] for entry in sorted(heap, key=lambda e: e[:2], reverse=True)]
