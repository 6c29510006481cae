"""Candidacy rule simulation: who a draft rule would list, compared with the configured one.

Answers `simulateCandidacyRule`; it reads the interactions and the runs, and records nothing.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.ambassadors.candidacy_ports import CandidacyRuns
from application.clock import Clock, utc_now
from domain.ambassadors.candidacy import CandidacyRule, Verdict, judge
from domain.ambassadors.runs import FactorQuery, Memory
from domain.moments import TimeBounds


@dataclass(frozen=True)
class Simulated:
    """A member a rule lists, with its verdict under the draft and the current rule."""

    member_id: UUID
    # None: below a floor of that rule (not within its reach), its why unknown
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
        examined, current = self._read(self.current, memory, at)
        drafted = current if draft == self.current else self._read(draft, memory, at)[1]
        lists: dict[str, list[tuple[float, str, Simulated]]] = {"draft": [], "new": [], "gone": []}
        by_draft = by_current = 0
        for member_id in drafted.keys() | current.keys():
            d, c = drafted.get(member_id), current.get(member_id)
            in_draft, in_current = bool(d and d.candidate), bool(c and c.candidate)
            by_draft += in_draft
            by_current += in_current
            if not (in_draft or in_current):
                continue
            if d is None:  # below a floor of the draft: judged on the current reading
                d = _rejudged(draft, self.current, c, member_id in memory.since)
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

    def _read(
        self, rule: CandidacyRule, memory: Memory, at: datetime
    ) -> tuple[int, dict[UUID, Verdict]]:
        reading = self.runs.read(FactorQuery(rule, self.weights, at))
        verdicts = {
            m.member_id: judge(rule, m.factors, m.member_id in memory.since)
            for m in reading.within_reach
        }
        return reading.examined, verdicts


def _rejudged(
    draft: CandidacyRule, current: CandidacyRule, verdict: Verdict | None, was: bool
) -> Verdict | None:
    """The draft's verdict from the factors the current rule read, when both rules read
    the same window (otherwise the draft's why is unknown: None)."""
    if verdict is None or draft.window != current.window:
        return None
    return judge(draft, {j.factor: j.value for j in verdict.why}, was)


def _keep_top(heap: list[tuple[float, str, Simulated]], shown: Simulated, size: int) -> None:
    ranked_by = shown.draft if shown.draft and shown.draft.candidate else shown.current
    entry = (ranked_by.score if ranked_by else 0.0, str(shown.member_id), shown)
    if len(heap) < size:
        heapq.heappush(heap, entry)
    elif entry[:2] > heap[0][:2]:
        heapq.heapreplace(heap, entry)


def _ranked(heap: list[tuple[float, str, Simulated]]) -> list[Simulated]:
    return [entry[2] for entry in sorted(heap, key=lambda e: e[:2], reverse=True)]
