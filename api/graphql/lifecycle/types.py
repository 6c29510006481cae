"""GraphQL types of the lifecycle context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.graphql.lifecycle.backtest import BacktestReport
from api.graphql.members import Channel, Member
from api.graphql.relay import Connection, Edge, relay_type
from domain.lifecycle.stages import Evidence, rule_days
from domain.lifecycle.stages import Stage as DomainStage
from domain.lifecycle.stages import StageRule as DomainRule

# The GraphQL enum is the domain's own class (strawberry.enum returns the class it is given).
MemberStage = DomainStage
strawberry.enum(
    MemberStage, name="MemberStage", description="Where a member is in their lifecycle."
)


@strawberry.type(description="Why a member is in a stage: the numbers the rule looked at.")
class StageEvidence:
    baseline_weekly: float = strawberry.field(
        description="Usual weighted activity per week (the 90 days before the recent window)."
    )
    recent_weekly: float = strawberry.field(
        description="Weighted activity per week over the recent 30 days."
    )
    last_interaction_at: datetime | None = strawberry.field(description="Last interaction.")
    days_silent: int = strawberry.field(description="Days since the last interaction.")
    score: float = strawberry.field(description="Engagement score when judged.")


@strawberry.type(description="A member at risk, ranked by what the community would lose.")
class AtRiskMember:
    member: Member = strawberry.field(description="The member.")
    since: datetime = strawberry.field(description="When they went at risk.")
    why: StageEvidence = strawberry.field(description="The evidence, in plain fields.")
    reason: str = strawberry.field(description="The evidence in words.")
    rule_version: str | None = strawberry.field(description="The stage rule that judged it.")
    last_interaction_at: datetime | None = strawberry.field(description="Last interaction.")
    channels: list[Channel] = strawberry.field(
        description="Channels the member interacted on, most active first."
    )


@relay_type("An at-risk member with its cursor in the list.", node="The at-risk member.")
class AtRiskMemberEdge(Edge[AtRiskMember]):
    """An edge of the at-risk list."""


@relay_type(
    "A page of at-risk members, highest score before the drop first.",
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
    min_baseline_weight: float | None = strawberry.field(
        default=None,
        description="Weight in the baseline window to count as having been active (0-1000000).",
    )
    drop_fraction: float | None = strawberry.field(
        default=None,
        description="At risk below this share of the usual weekly activity (0-1, "
        "at most recoverFraction).",
    )
    recover_fraction: float | None = strawberry.field(
        default=None, description="Active again above this share (0-1; hysteresis)."
    )
    silent_at_risk_days: int | None = strawberry.field(
        default=None, description="At risk after this many silent days (1-3650)."
    )
    silent_inactive_days: int | None = strawberry.field(
        default=None, description="Inactive after this many silent days (1-3650)."
    )
    recent_window_days: int | None = strawberry.field(
        default=None, description="Recent window, days (1-3650)."
    )
    baseline_window_days: int | None = strawberry.field(
        default=None, description="Baseline window before the recent one, days (1-3650)."
    )

    def to_rule(self, current: DomainRule) -> DomainRule:
        """The draft as a domain rule; InvalidRule names the first parameter out of range."""
        days = {
            "silent_at_risk": self.silent_at_risk_days,
            "silent_inactive": self.silent_inactive_days,
            "recent_window": self.recent_window_days,
            "baseline_window": self.baseline_window_days,
        }
        fields: dict[str, Any] = {
            "version": self.version,
            **{k: rule_days(f"{k}_days", v) for k, v in days.items() if v is not None},
        }
        for name in ("min_baseline_weight", "drop_fraction", "recover_fraction"):
            value = getattr(self, name)
            if value is not None:
                fields[name] = value
        return DomainRule(**{**vars(current), **fields})


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
        description="At risk under the draft, highest score first (first N)."
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
    return StageEvidence(
        baseline_weekly=float(data.get("baseline_weekly", 0.0)),
        recent_weekly=float(data.get("recent_weekly", 0.0)),
        last_interaction_at=last,
        days_silent=int(data.get("days_silent", 0)),
        score=float(data.get("score", 0.0)),
    )
