"""Candidacy rule simulation: who a draft rule would list, compared with the configured one.

Answers `simulateCandidacyRule`; it reads the interactions and the runs, and records nothing.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from application.ambassadors.candidacy_ports import CandidacyRuns
from application.clock import Clock, utc_now
from domain.ambassadors.candidacy import CandidacyRule, Factor, Verdict, judge
from domain.ambassadors.runs import FactorQuery, MemberFactors, Memory
from domain.moments import TimeBounds


@dataclass(frozen=True)
class Simulated:
    """A member a rule lists, with its verdict under the draft and the current rule."""

    member_id: UUID
    # None: below a floor of that rule when the rules read different windows (each then
    # reads only the members within its own reach), its why unknown
    draft: Verdict | None
    current: Verdict | None


@dataclass(frozen=True)
class CandidacySimulation:
    """What a draft rule would list at an instant, compared with the current rule."""

    at: datetime
    memory_at: datetime | None  # the current rule's run whose candidates were remembered
    examined: int
    by_draft: int
    by_current: int
    draft_candidates: list[Simulated]
    newly_in: list[Simulated]
    no_longer_in: list[Simulated]


class CandidacyRuleSimulation:
    """Judges every counted member under a draft rule and the current one; records nothing."""

    def __init__(
        self,
        runs: CandidacyRuns,
        bounds: TimeBounds,
        *,
        current: CandidacyRule,
        weights: Mapping[str, float],
        clock: Clock = utc_now,
    ) -> None:
        self.runs = runs
        self.bounds = bounds
        self.current = current
        self.weights = dict(weights)
        self.clock = clock

    def simulate(
        self, draft: CandidacyRule, at: datetime | None = None, *, listed: int = 50
    ) -> CandidacySimulation:
        """Both rules at `at` (default now), each with the memory of the current rule's
        latest run before `at`; lists keep the `listed` best-scored members."""
        at = self.bounds.check("as_of", at, self.clock()) if at else self.clock()
        memory = self.runs.memory(self.current.version, at)
        examined, drafted, current = self._judged(draft, memory, at)
        lists: dict[str, list[tuple[float, str, Simulated]]] = {"draft": [], "new": [], "gone": []}
        by_draft = by_current = 0
        for member_id in drafted.keys() | current.keys():
            d, c = drafted.get(member_id), current.get(member_id)
            in_draft, in_current = bool(d and d.candidate), bool(c and c.candidate)
            by_draft += in_draft
            by_current += in_current
            if not (in_draft or in_current):
                continue
            shown = Simulated(member_id, d, c)
            for name, keep in (
                ("draft", in_draft),
                ("new", in_draft and not in_current),
                ("gone", in_current and not in_draft),
            ):
                if keep:
                    _keep_top(lists[name], shown, listed)
        return CandidacySimulation(
            at,
            memory.evaluated_at,
            examined,
            by_draft,
            by_current,
            *(_ranked(lists[name]) for name in ("draft", "new", "gone")),
        )

    def _judged(
        self, draft: CandidacyRule, memory: Memory, at: datetime
    ) -> tuple[int, dict[UUID, Verdict], dict[UUID, Verdict]]:
        """Members examined, and the verdicts of both rules on those within reach of either.

        Over the same window one reading serves both rules (everyone at or above the lower
        of their floors); over different windows each rule reads its own.
        """
        current = self.current
        if draft.window != current.window:
            examined, drafted = self._read(draft, draft, memory, at)
            return examined, drafted, self._read(current, current, memory, at)[1]
        lower = {f: min(draft.floor(f), current.floor(f)) for f in Factor}
        reach = replace(current, version="reach", hysteresis=1.0, thresholds=lower)
        reading = self.runs.read(FactorQuery(reach, self.weights, at))
        return (
            reading.examined,
            _verdicts(draft, reading.within_reach, memory),
            _verdicts(current, reading.within_reach, memory),
        )

    def _read(
        self, reach: CandidacyRule, rule: CandidacyRule, memory: Memory, at: datetime
    ) -> tuple[int, dict[UUID, Verdict]]:
        reading = self.runs.read(FactorQuery(reach, self.weights, at))
        return reading.examined, _verdicts(rule, reading.within_reach, memory)


def _verdicts(
    rule: CandidacyRule, members: list[MemberFactors], memory: Memory
) -> dict[UUID, Verdict]:
    return {m.member_id: judge(rule, m.factors, m.member_id in memory.since) for m in members}


def _keep_top(heap: list[tuple[float, str, Simulated]], shown: Simulated, size: int) -> None:
    ranked_by = shown.draft if shown.draft and shown.draft.candidate else shown.current
    entry = (ranked_by.score if ranked_by else 0.0, str(shown.member_id), shown)
    if len(heap) < size:
        heapq.heappush(heap, entry)
    elif entry[:2] > heap[0][:2]:
        heapq.heapreplace(heap, entry)


def _ranked(heap: list[tuple[float, str, Simulated]]) -> list[Simulated]:
    return [entry[2] for entry in sorted(heap, key=lambda e: e[:2], reverse=True)]
