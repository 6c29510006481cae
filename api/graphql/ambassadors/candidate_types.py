"""GraphQL types of ambassador candidacy: candidates with their why, the rule, drafts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import strawberry

from api.graphql.members import Channel, Member
from api.graphql.relay import Connection, Edge, relay_type
from domain.ambassadors.candidacy import (
    MAX_WINDOW_DAYS,
    CandidacyRule,
    Factor,
    FactorJudgement,
    InvalidCandidacyRule,
)

# The GraphQL enum is the domain's own class.
CandidacyFactor = Factor
strawberry.enum(
    CandidacyFactor,
    name="CandidacyFactor",
    description="What the candidacy rule looks at, over its window before the instant judged: "
    "ENGAGEMENT (sum of interaction weights), TENURE_DAYS, BREADTH (channels active on), "
    "HELPFULNESS (replies and accepted answers), PRAISE_AND_FEEDBACK (praise and criticism "
    "given as feedback), EVENTS_ATTENDED, CONSISTENCY (active weeks of the last 26).",
)


@strawberry.type(description="One factor of a candidate: its value against the rule.")
class CandidacyFactorWhy:
    factor: CandidacyFactor = strawberry.field(description="The factor.")
    value: float = strawberry.field(description="The member's value at the evaluation.")
    threshold: float = strawberry.field(description="What entering the list requires.")
    floor: float = strawberry.field(
        description="Hysteresis x threshold: a candidate leaves only below it."
    )
    met: bool = strawberry.field(description="The value reaches the threshold.")
    contribution: float = strawberry.field(
        description="Its part of the score: weight x min(value / threshold, scoreCap)."
    )


@strawberry.type(description="A member the candidacy rule lists as a possible ambassador.")
class AmbassadorCandidate:
    member: Member = strawberry.field(description="The member.")
    score: float = strawberry.field(description="The rank: the sum of the contributions.")
    candidate_since: datetime = strawberry.field(
        description="The evaluation that began their unbroken candidacy under this rule version."
    )
    rule_version: str = strawberry.field(description="The candidacy rule that judged it.")
    evaluated_at: datetime = strawberry.field(description="The evaluation listed.")
    why: list[CandidacyFactorWhy] = strawberry.field(description="Every factor, as judged.")
    channels: list[Channel] = strawberry.field(description="Channels active on in the window.")
    marketing_consent: bool = strawberry.field(
        description="Whether MARKETING_EMAIL consent holds now. Shown, not a condition."
    )


@relay_type("A candidate with its cursor in the list.", node="The candidate.")
class AmbassadorCandidateEdge(Edge[AmbassadorCandidate]):
    """An edge of the candidate list."""


@relay_type("A page of ambassador candidates, best score first.", edges="Candidates.")
class AmbassadorCandidateConnection(Connection[AmbassadorCandidateEdge]):
    """A page of one candidacy evaluation's candidates."""

    evaluated_at: datetime | None = strawberry.field(
        default=None, description="The evaluation listed; null when none was run by then."
    )
    rule_version: str = strawberry.field(default="", description="The rule version listed.")
    members_examined: int = strawberry.field(
        default=0, description="Members the evaluation judged (after the gates)."
    )


@strawberry.type(description="A factor's threshold and weight in a candidacy rule.")
class CandidacyFactorRule:
    factor: CandidacyFactor = strawberry.field(description="The factor.")
    threshold: float = strawberry.field(description="Needed to enter; 0: not required.")
    weight: float = strawberry.field(description="Its weight in the score.")


@strawberry.type(name="CandidacyRule", description="A versioned candidacy rule.")
class CandidacyRuleType:
    version: str = strawberry.field(description="Recorded by every evaluation and nomination.")
    window_days: int = strawberry.field(description="Days before the instant judged.")
    hysteresis: float = strawberry.field(
        description="A candidate leaves only when a factor falls below this share of its "
        "threshold (0.9: below 90%)."
    )
    score_cap: float = strawberry.field(
        description="A factor counts up to this many times its threshold in the score."
    )
    factors: list[CandidacyFactorRule] = strawberry.field(description="Per factor.")

    @classmethod
    def of(cls, rule: CandidacyRule) -> CandidacyRuleType:
        """The GraphQL view of a domain rule."""
        return cls(
            version=rule.version,
            window_days=rule.window_days,
            hysteresis=rule.hysteresis,
            score_cap=rule.cap,
            factors=[
                CandidacyFactorRule(factor=f, threshold=rule.thresholds[f], weight=rule.weights[f])
                for f in Factor
            ],
        )


@strawberry.input(description="A factor of a draft rule; absent values keep the current one.")
class CandidacyFactorRuleInput:
    factor: CandidacyFactor = strawberry.field(description="The factor.")
    threshold: float | None = strawberry.field(default=None, description="0 to 1e9.")
    weight: float | None = strawberry.field(default=None, description="0 to 1000.")


@strawberry.input(description="A draft candidacy rule; absent fields keep the current rule's.")
class CandidacyRuleInput:
    version: str = strawberry.field(default="draft", description="A name (1-100 characters).")
    window_days: int | None = strawberry.field(default=None, description="1 to 3650 days.")
    hysteresis: float | None = strawberry.field(default=None, description="Above 0, at most 1.")
    score_cap: float | None = strawberry.field(default=None, description="1 to 100.")
    factors: list[CandidacyFactorRuleInput] | None = strawberry.field(
        default=None, description="Factors changed (each at most once)."
    )

    def to_rule(self, current: CandidacyRule) -> CandidacyRule:
        """The draft as a domain rule; InvalidCandidacyRule names the first bad input field."""
        fields: dict[str, Any] = {"version": self.version}
        if self.window_days is not None:
            if not 1 <= self.window_days <= MAX_WINDOW_DAYS:
                raise InvalidCandidacyRule("window_days", f"must be 1 to {MAX_WINDOW_DAYS} days")
            fields["window"] = timedelta(days=self.window_days)
        for name, given in (("hysteresis", self.hysteresis), ("cap", self.score_cap)):
            if given is not None:
                fields[name] = given
        thresholds, weights = dict(current.thresholds), dict(current.weights)
        seen: set[Factor] = set()
        for index, change in enumerate(self.factors or []):
            if change.factor in seen:
                raise InvalidCandidacyRule(f"factors.{index}.factor", "is given twice")
            seen.add(change.factor)
            if change.threshold is not None:
                thresholds[change.factor] = change.threshold
            if change.weight is not None:
                weights[change.factor] = change.weight
        try:
            return CandidacyRule(
                **{**vars(current), **fields, "thresholds": thresholds, "weights": weights}
            )
        except InvalidCandidacyRule as error:
            raise InvalidCandidacyRule(_input_name(error.field), error.message) from None


def _input_name(field: str) -> str:
    """A rule field as the input names it (cap is scoreCap; a factor's is under factors)."""
    if field == "cap":
        return "score_cap"
    if field.startswith(("thresholds.", "weights.")):
        kind, factor = field.split(".", 1)
        return f"factors.{factor}.{kind.rstrip('s')}"
    return field


@strawberry.type(description="A member under the draft rule and the current one.")
class SimulatedCandidate:
    member: Member = strawberry.field(description="The member.")
    draft_candidate: bool = strawberry.field(description="A candidate under the draft.")
    current_candidate: bool = strawberry.field(description="A candidate under the current rule.")
    draft_score: float | None = strawberry.field(
        description="Score under the draft; null when the draft reads another window and the "
        "member is below one of its floors."
    )
    current_score: float | None = strawberry.field(
        description="Score under the current rule; null when the draft reads another window "
        "and the member is below one of the current rule's floors."
    )
    why: list[CandidacyFactorWhy] = strawberry.field(
        description="Every factor under the draft (under the current rule when the draft's "
        "is unknown)."
    )


@strawberry.type(description="Who a draft candidacy rule would list; nothing is recorded.")
class CandidacySimulation:
    as_of: datetime = strawberry.field(description="The instant judged.")
    remembered_run: datetime | None = strawberry.field(
        description="The current rule's evaluation before asOf whose candidates both rules "
        "remember for hysteresis; null when there was none."
    )
    draft_version: str = strawberry.field(description="The draft's name.")
    current_version: str = strawberry.field(description="The current rule's version.")
    members_examined: int = strawberry.field(description="Members judged (after the gates).")
    candidates_by_draft: int = strawberry.field(description="Candidates under the draft.")
    candidates_by_current: int = strawberry.field(description="Under the current rule.")
    draft_candidates: list[SimulatedCandidate] = strawberry.field(
        description="Candidates under the draft, best first (first N)."
    )
    newly_in: list[SimulatedCandidate] = strawberry.field(
        description="Candidates under the draft only, best first (first N)."
    )
    no_longer_in: list[SimulatedCandidate] = strawberry.field(
        description="Candidates under the current rule only, best first (first N)."
    )


def why_from(factors: dict[str, Any]) -> list[CandidacyFactorWhy]:
    """The why of a recorded candidate (factor -> its judgement as a run stored it), in the
    rule's order of factors."""
    return [
        CandidacyFactorWhy(
            factor=factor,
            value=float(f["value"]),
            threshold=float(f["threshold"]),
            floor=float(f["floor"]),
            met=bool(f["met"]),
            contribution=float(f["contribution"]),
        )
        for factor in Factor
        if (f := factors.get(factor.value)) is not None
    ]


def why_of(judged: tuple[FactorJudgement, ...]) -> list[CandidacyFactorWhy]:
    """The why of a verdict made now."""
    return [
        CandidacyFactorWhy(
            factor=j.factor,
            value=j.value,
            threshold=j.threshold,
            floor=j.floor,
            met=j.met,
            contribution=j.contribution,
        )
        for j in judged
    ]
