"""GraphQL types of the lifecycle context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.graphql.lifecycle.backtest import BacktestReport
from api.graphql.members import Channel, Member
from api.graphql.relay import Connection, Edge, relay_type
from domain.lifecycle.rule import InvalidRule, rule_days
from domain.lifecycle.rule import StageRule as DomainRule
from domain.lifecycle.stages import Evidence
from domain.lifecycle.stages import Stage as DomainStage

# The GraphQL enum is the domain's own class (strawberry.enum returns the class it is given).
MemberStage = DomainStage
strawberry.enum(
    MemberStage, name="MemberStage", description="Where a member is in their lifecycle."
)
# The rule's spans, given in the input in whole days as `<name>_days`.
RULE_SPANS = (
    "new_for",
    "baseline_window",
    "recent_window",
    "min_silence",
    "max_silence",
    "silent_inactive",
    "returning_grace",
)


@strawberry.type(description="Why a member is in a stage: the numbers the rule looked at.")
class StageEvidence:
    baseline_weekly: float = strawberry.field(
        description="Their usual weighted activity per week over the baseline window (the year "
        "before their last interaction by default): a typical active week's weight times the "
        "share of weeks they were active; a release burst barely moves it."
    )
    recent_weekly: float = strawberry.field(
        description="Weighted activity per week over the recent window (28 days by default)."
    )
    last_interaction_at: datetime | None = strawberry.field(description="Last interaction.")
    days_silent: int = strawberry.field(description="Whole days since the last interaction.")
    score: float = strawberry.field(description="Engagement score when judged.")
    usual_gap_days: int | None = strawberry.field(
        description="Their usual gap, in days, between the weeks they were active (the 90th "
        "percentile of the gaps by default); null with one active week, or in evidence recorded "
        "by an older rule."
    )
    silence_limit_days: float | None = strawberry.field(
        description="How many silent days make them at risk: the usual gap times the gap factor, "
        "between the rule's floor and ceiling (14 and 60 days by default); null without a rhythm."
    )
    active_weeks: int = strawberry.field(
        description="Weeks with activity in the baseline window; below the rule's minimum "
        "(6 by default) a member is OCCASIONAL. 0 in evidence recorded by an older rule."
    )
    stake: float = strawberry.field(
        description="What the community stands to lose, which orders the at-risk list: days "
        "silent, plus 2 for each doubling of their usual weekly activity. 0 unless at risk."
    )


@strawberry.type(description="A member at risk, ranked by what the community would lose.")
class AtRiskMember:
    member: Member = strawberry.field(description="The member.")
    since: datetime = strawberry.field(description="When they went at risk.")
    why: StageEvidence = strawberry.field(
        description="The evidence as of the instant asked (asOf, or now): days silent then, "
        "their usual gap and rate, their recent rate."
    )
    reason: str = strawberry.field(description="The evidence as of the instant asked, in words.")
    entry_why: StageEvidence | None = strawberry.field(
        description="The evidence recorded when they entered the stage (at `since`)."
    )
    entry_reason: str | None = strawberry.field(
        description="The reason recorded when they entered the stage, in words."
    )
    rule_version: str | None = strawberry.field(description="The stage rule that judged it.")
    last_interaction_at: datetime | None = strawberry.field(
        description="Last interaction at or before the instant asked."
    )
    channels: list[Channel] = strawberry.field(
        description="Channels the member interacted on, most active first."
    )


@relay_type("An at-risk member with its cursor in the list.", node="The at-risk member.")
class AtRiskMemberEdge(Edge[AtRiskMember]):
    """An edge of the at-risk list."""


@relay_type(
    "A page of at-risk members, most at stake first.",
    edges="Members and cursors.",
)
class AtRiskMemberConnection(Connection[AtRiskMemberEdge]):
    """A page of the at-risk list."""


@strawberry.type(description="One stage of a member's life, from effectiveAt until `until`.")
class StageChange:
    stage: MemberStage = strawberry.field(description="The stage.")
    previous: MemberStage | None = strawberry.field(description="The stage before.")
    effective_at: datetime = strawberry.field(description="When it began.")
    until: datetime | None = strawberry.field(description="When it ended; null if current.")
    rule_version: str | None = strawberry.field(description="The rule that judged it.")
    reason: str | None = strawberry.field(description="Why, in words.")
    why: StageEvidence | None = strawberry.field(description="Why, in numbers.")


@strawberry.input(description="A draft stage rule; absent fields keep the current rule's value.")
class StageRuleInput:
    version: str = strawberry.field(
        default="draft", description="A name for the draft (1-100 characters)."
    )
    new_for_days: int | None = strawberry.field(
        default=None, description="NEW for this many days after joining (1-3650)."
    )
    baseline_window_days: int | None = strawberry.field(
        default=None,
        description="Days before the last interaction over which the rhythm is measured (1-3650).",
    )
    recent_window_days: int | None = strawberry.field(
        default=None, description="Days of the recent rate shown in the evidence (1-3650)."
    )
    min_active_weeks: int | None = strawberry.field(
        default=None,
        description="Active weeks in the baseline window needed to have a rhythm; fewer: "
        "OCCASIONAL, never flagged (1-52).",
    )
    gap_percentile: float | None = strawberry.field(
        default=None,
        description="The usual gap is this percentile of the gaps between active weeks "
        "(above 0, at most 1).",
    )
    gap_factor: float | None = strawberry.field(
        default=None,
        description="At risk after this many usual gaps of silence (above 0, at most 100).",
    )
    min_silence_days: int | None = strawberry.field(
        default=None,
        description="Floor of the silence limit, days (1-3650, at most maxSilenceDays).",
    )
    max_silence_days: int | None = strawberry.field(
        default=None,
        description="Ceiling of the silence limit, days (1-3650, less than silentInactiveDays).",
    )
    silent_inactive_days: int | None = strawberry.field(
        default=None, description="INACTIVE after this many silent days (1-3650)."
    )
    returning_grace_days: int | None = strawberry.field(
        default=None,
        description="RETURNING for this many days after coming back from a quiet spell (1-3650).",
    )

    def to_rule(self, current: DomainRule) -> DomainRule:
        """The draft as a domain rule; InvalidRule names the first bad input field."""
        fields: dict[str, Any] = {"version": self.version}
        for name in RULE_SPANS:
            days = getattr(self, f"{name}_days")
            if days is not None:
                fields[name] = rule_days(f"{name}_days", days)
        for name in ("min_active_weeks", "gap_percentile", "gap_factor"):
            if (value := getattr(self, name)) is not None:
                fields[name] = value
        try:
            return DomainRule(**{**vars(current), **fields})
        except InvalidRule as error:
            # The domain names its own fields; the input's spans are the same names in days.
            if error.field in RULE_SPANS:
                raise InvalidRule(f"{error.field}_days", error.message) from None
            raise


@strawberry.type(description="A member as judged by the draft and by the current rule.")
class SimulatedMember:
    member: Member = strawberry.field(description="The member.")
    draft_stage: MemberStage = strawberry.field(description="Stage under the draft.")
    current_stage: MemberStage = strawberry.field(description="Stage under the current rule.")
    reason: str = strawberry.field(description="The draft's reason, in words.")
    why: StageEvidence = strawberry.field(description="The draft's evidence.")


@strawberry.type(description="What a draft rule would flag at risk; nothing is recorded.")
class RuleSimulation:
    as_of: datetime = strawberry.field(description="The instant judged.")
    draft_version: str = strawberry.field(description="The draft's name.")
    current_version: str = strawberry.field(description="The current rule's version.")
    members_judged: int = strawberry.field(description="Members judged (staff, bots excluded).")
    flagged_by_draft: int = strawberry.field(description="At risk under the draft.")
    flagged_by_current: int = strawberry.field(description="At risk under the current rule.")
    draft_flagged: list[SimulatedMember] = strawberry.field(
        description="At risk under the draft, most at stake first (first N)."
    )
    newly_flagged: list[SimulatedMember] = strawberry.field(
        description="At risk under the draft only (first N)."
    )
    no_longer_flagged: list[SimulatedMember] = strawberry.field(
        description="At risk under the current rule only (first N)."
    )
    backtest: BacktestReport | None = strawberry.field(
        default=None,
        description="The draft backtested on the community's history, when `backtest` is "
        "given; null otherwise.",
    )


def evidence_from(fields: dict[str, Any] | Evidence) -> StageEvidence:
    """The GraphQL evidence from a stored evidence map or a domain Evidence."""
    data = vars(fields) if isinstance(fields, Evidence) else fields
    last = data.get("last_interaction_at")
    if isinstance(last, str):
        last = datetime.fromisoformat(last)
    # Evidence recorded by the old rule (before rhythm-2026-12) has no rhythm fields.
    usual_gap = data.get("usual_gap_days")
    limit = data.get("silence_limit_days")
    return StageEvidence(
        baseline_weekly=float(data.get("baseline_weekly", 0.0)),
        recent_weekly=float(data.get("recent_weekly", 0.0)),
        last_interaction_at=last,
        days_silent=int(data.get("days_silent", 0)),
        score=float(data.get("score", 0.0)),
        usual_gap_days=int(usual_gap) if usual_gap is not None else None,
        silence_limit_days=float(limit) if limit is not None else None,
        active_weeks=int(data.get("active_weeks", 0)),
        stake=float(data.get("stake", 0.0)),
    )
