"""Simulating a draft candidacy rule: both rules judged, with the current rule's memory."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.ambassadors.candidacy_simulation import CandidacyRuleSimulation
from domain.ambassadors.candidacy import DEFAULT_THRESHOLDS, CandidacyRule, Factor
from domain.ambassadors.runs import FactorQuery, MemberFactors, Memory, Reading
from domain.moments import DEFAULT_BOUNDS

AT = datetime(2026, 11, 1, tzinfo=UTC)
RULE = CandidacyRule()
STEADY, FADING, RISING = UUID(int=1), UUID(int=2), UUID(int=3)


def factors(**changes: float) -> dict[Factor, float]:
    """Every factor at its default threshold but those changed."""
    return {**DEFAULT_THRESHOLDS, **{Factor(k): v for k, v in changes.items()}}


class FakeRuns:
    """Three members' factors (the same in any window), and a run that listed two of them."""

    def __init__(self) -> None:
        self.members = {
            STEADY: factors(helpfulness=30),
            FADING: factors(helpfulness=9.5),  # a candidate below threshold, above the floor
            RISING: factors(helpfulness=8),  # below every floor of the current rule
        }
        self.reads: list[FactorQuery] = []

    def read(self, query: FactorQuery) -> Reading:
        """Those at or above every floor of the query's rule."""
        self.reads.append(query)
        rule = query.rule
        within = [
            MemberFactors(member, values, ["discord"])
            for member, values in self.members.items()
            if all(values[f] >= rule.floor(f) for f in Factor)
        ]
        return Reading(len(self.members), within)

    def memory(self, rule_version: str, before: datetime) -> Memory:
        """The current rule's run before `before` listed the steady and the fading member."""
        assert rule_version == RULE.version and before == AT
        return Memory(AT - timedelta(days=1), {STEADY: AT, FADING: AT})


def simulation(runs: FakeRuns) -> CandidacyRuleSimulation:
    return CandidacyRuleSimulation(
        runs,  # type: ignore[arg-type]
        DEFAULT_BOUNDS,
        current=RULE,
        weights={"reply": 5.0},
        clock=lambda: AT + timedelta(days=1),
    )


def test_a_kinder_draft_lists_a_newcomer_and_both_rules_read_once() -> None:
    runs = FakeRuns()
    draft = replace(RULE, version="kinder", thresholds=factors(helpfulness=8))
    result = simulation(runs).simulate(draft, AT)
    assert len(runs.reads) == 1  # one reading over the shared window
    assert (result.examined, result.by_draft, result.by_current) == (3, 3, 2)
    assert [s.member_id for s in result.draft_candidates] == [STEADY, FADING, RISING]
    assert [s.member_id for s in result.newly_in] == [RISING]
    assert result.newly_in[0].current is not None  # judged by both rules
    assert result.no_longer_in == [] and result.memory_at == AT - timedelta(days=1)


def test_a_stricter_draft_over_another_window_drops_a_candidate() -> None:
    runs = FakeRuns()
    draft = replace(RULE, version="strict", window=timedelta(days=90), hysteresis=1.0)
    result = simulation(runs).simulate(draft, AT)
    assert len(runs.reads) == 2  # each rule reads its own window
    assert [s.member_id for s in result.no_longer_in] == [FADING]
    assert result.no_longer_in[0].draft is None  # below the draft's floor: why unknown
    assert (result.by_draft, result.by_current) == (1, 2)


def test_lists_keep_the_best_scored_members_only() -> None:
    result = simulation(FakeRuns()).simulate(RULE, AT, listed=1)
    assert [s.member_id for s in result.draft_candidates] == [STEADY]
    assert result.by_draft == 2
