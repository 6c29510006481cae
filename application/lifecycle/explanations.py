"""Why members are where they are at an instant: the rule's evidence as of then, recorded or not."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.lifecycle.ports import MemberHistories
from domain.interactions.engagement import EngagementRule
from domain.lifecycle import Assessment, StageRule
from domain.lifecycle.stages import judge


class StageExplanations:
    """The configured rule's judgement of some members at an instant, with its evidence.

    The at-risk list shows it beside the reason recorded when a member entered the stage,
    so an answer as of a date gives the facts of that date (days silent then, not at entry).
    """

    def __init__(
        self, histories: MemberHistories, *, rule: StageRule, engagement: EngagementRule
    ) -> None:
        self.histories = histories
        self.rule = rule
        self.engagement = engagement

    def explain(self, member_ids: list[UUID], at: datetime) -> dict[UUID, Assessment]:
        """Each counted member's assessment at `at`, from their interactions up to it."""
        if not member_ids:
            return {}
        return {
            history.member_id: judge(self.rule, history, at, half_life=self.engagement.half_life)
            for history in self.histories.histories_of(self.engagement, member_ids, at)
        }
