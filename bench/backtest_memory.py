"""The backtest of the known-behaviour community computed in memory, straight from the truth.

No database: each member's history comes from application/behaviours.py, each date is
scored per CONTRACT12 (regularly active: 6 active weeks in the year and active within 90
days; stopped: nothing in the horizon). It cross-checks the use case's figures on the same
community, and says which behaviours each rule flags wrongly.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from application.behaviours import Behaviour, Community, members
from domain.interactions.engagement import EngagementRule
from domain.lifecycle.history import History, to_us
from domain.lifecycle.stages import Stage, StageRule, stage_at

YEAR, WEEK = timedelta(days=365), timedelta(weeks=1)
ACTIVE_WITHIN = timedelta(days=90)
MIN_ACTIVE_WEEKS = 6

# A rule flags a member at a date with a rank (higher first), or None.
Flag = Callable[[History, datetime], float | None]


def rhythm(rule: StageRule) -> Flag:
    """The stage rule: at risk, ranked by stake."""

    def flag(history: History, at: datetime) -> float | None:
        stage, stake = stage_at(rule, history, at)
        return stake if stage is Stage.AT_RISK else None

    return flag


def silent(days: int) -> Flag:
    """Silent for more than `days` days, the longest silence first."""

    def flag(history: History, at: datetime) -> float | None:
        last = history.last_before(at)
        silence = (at - last) if last else timedelta(0)
        return silence.total_seconds() if silence > timedelta(days=days) else None

    return flag


def drift(history: History, at: datetime) -> float | None:
    """Orbit-style drift: the last 4 weeks' weight under half the prior 12 weeks' weekly rate."""
    end = to_us(at)
    recent = history.weight_between(to_us(at - 4 * WEEK), end) / 4
    prior = history.weight_between(to_us(at - 16 * WEEK), to_us(at - 4 * WEEK)) / 12
    return prior - recent if prior > 0 and recent < prior / 2 else None


@dataclass
class Score:
    """One rule's counts over every scored date."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    top: dict[int, list[float]] = field(default_factory=lambda: {10: [], 25: []})
    wrong: Counter[str] = field(default_factory=Counter)  # flagged but not stopped, by behaviour

    def summary(self) -> dict[str, Any]:
        """Precision, recall, F1 and precision at 10 and 25 (mean over dates with flags)."""
        flagged = self.true_positives + self.false_positives
        stopped = self.true_positives + self.false_negatives
        precision = self.true_positives / flagged if flagged else 0.0
        recall = self.true_positives / stopped if stopped else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            **{f"precision_at_{k}": _mean(v) for k, v in self.top.items()},
            "flagged_not_stopped_by_behaviour": dict(self.wrong.most_common()),
        }


def backtest(
    community: Community, rules: dict[str, Flag], dates: list[datetime], horizon: timedelta
) -> dict[str, dict[str, Any]]:
    """Every rule scored on the same dates and the same population, with no look-ahead."""
    known = list(_histories(community))
    scores = {name: Score() for name in rules}
    for at in dates:
        population = [
            (behaviour, history, not history.any_between(at, at + horizon))
            for behaviour, history in known
            if _regularly_active(history, at)
        ]
        for name, flag in rules.items():
            _score(scores[name], flag, population, at)
    return {name: score.summary() for name, score in scores.items()}


def _score(
    score: Score, flag: Flag, population: list[tuple[Behaviour, History, bool]], at: datetime
) -> None:
    ranked = []
    for behaviour, history, stopped in population:
        rank = flag(history, at)
        if rank is None:
            score.false_negatives += stopped
            continue
        ranked.append((rank, stopped))
        score.true_positives += stopped
        score.false_positives += not stopped
        if not stopped:
            score.wrong[behaviour.value] += 1
    ranked.sort(key=lambda pair: -pair[0])
    for k, shares in score.top.items():
        if ranked:
            shares.append(sum(stopped for _, stopped in ranked[:k]) / min(k, len(ranked)))


def _histories(community: Community) -> Iterator[tuple[Behaviour, History]]:
    weight = EngagementRule().weight
    for known in members(community):
        pairs = [(i.occurred_at, weight(i.kind)) for i in known.interactions]
        yield known.behaviour, History.of(uuid.uuid4(), known.joined_at, pairs)


def _regularly_active(history: History, at: datetime) -> bool:
    if not history.any_between(at - ACTIVE_WITHIN, at):
        return False
    return history.active_weeks(at, YEAR) >= MIN_ACTIVE_WEEKS


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None
