"""An at-risk rule's scores over a backtest: precision, recall, F1, precision at k, lead time.

Flags are gathered member by member as the history is replayed, in compact arrays (a
backtest of 100k members over two years holds millions), and scored once all are in:
a rule that flags only a top share of everyone judged at a date needs them all first.
"""

from __future__ import annotations

import heapq
import math
import statistics
from array import array
from dataclasses import dataclass, field

from domain.lifecycle.backtesting import WEEK
from domain.lifecycle.history import span_us

WEEK_US = span_us(WEEK)
TOP = (10, 25)


@dataclass(frozen=True)
class RuleScore:
    """How well one rule foretold who stopped, pooled over the dates scored."""

    name: str
    description: str
    flagged: int  # member-dates flagged, summed over the dates
    true_positives: int  # of those, members who really stopped
    precision: float | None  # None when nothing was flagged
    recall: float | None  # None when nobody stopped
    f1: float | None
    precision_at_10: float | None  # of each date's ten highest ranked, pooled
    precision_at_25: float | None
    median_lead_weeks: float | None  # last interaction minus first flag; negative when late
    stops: int  # stop episodes the rule could have caught
    stops_caught: int


@dataclass
class Outcomes:
    """Who was judged and who stopped at each date, and each stop a rule could catch."""

    dates_us: list[int]
    judged: list[int] = field(init=False)
    positives: list[int] = field(init=False)
    # One entry per stop: the member, their last interaction, and the dates from it until
    # they came back or 90 days passed (first, end): where a rule may catch it.
    stop_members: array[int] = field(default_factory=lambda: array("q"))
    stop_last: array[int] = field(default_factory=lambda: array("q"))
    stop_first: array[int] = field(default_factory=lambda: array("l"))
    stop_end: array[int] = field(default_factory=lambda: array("l"))

    def __post_init__(self) -> None:
        self.judged = [0] * len(self.dates_us)
        self.positives = [0] * len(self.dates_us)

    def judge(self, date: int, stopped: bool) -> None:
        """A member judged at a date, and whether they stopped."""
        self.judged[date] += 1
        self.positives[date] += stopped

    def stop(self, member: int, last_us: int, first: int, end: int) -> None:
        """A stop episode a rule may catch at the dates [first, end)."""
        self.stop_members.append(member)
        self.stop_last.append(last_us)
        self.stop_first.append(first)
        self.stop_end.append(end)


class Flags:
    """One rule's flags over a backtest, member by member (in id order), dates ascending."""

    def __init__(self, name: str, description: str, dates: int, top_share: float | None) -> None:
        self.name, self.description, self.top_share = name, description, top_share
        self.members, self.dates = array("q"), array("l")
        self.ranks, self.stopped = array("d"), array("b")
        # For a top-share rule: the rank of everyone judged at each date.
        self.standings = [array("d") for _ in range(dates)] if top_share is not None else []

    def flag(self, member: int, date: int, rank: float, stopped: bool) -> None:
        """The rule flags the member at the date (subject to its top share)."""
        self.members.append(member)
        self.dates.append(date)
        self.ranks.append(rank)
        self.stopped.append(stopped)

    def stand(self, date: int, rank: float) -> None:
        """A judged member's rank at a date, which a top-share rule compares flags with."""
        self.standings[date].append(rank)

    def score(self, outcomes: Outcomes) -> RuleScore:
        """The rule's scores pooled over every date."""
        thresholds = self._thresholds()
        flagged = [0] * len(outcomes.dates_us)
        tops: list[list[tuple[float, int, int]]] = [[] for _ in flagged]
        stoppers = set(outcomes.stop_members)
        when: dict[int, set[int]] = {}
        hits = 0
        rows = zip(self.members, self.dates, self.ranks, self.stopped, strict=True)
        for member, date, rank, stopped in rows:
            if thresholds and rank < thresholds[date]:
                continue
            flagged[date] += 1
            hits += stopped
            _keep(tops[date], (rank, member, stopped))  # equal ranks: the later member id first
            if member in stoppers:
                when.setdefault(member, set()).add(date)
        positives = sum(outcomes.positives)
        precision = hits / sum(flagged) if sum(flagged) else None
        recall = hits / positives if positives else None
        leads = _leads(outcomes, when)
        return RuleScore(
            name=self.name,
            description=self.description,
            flagged=sum(flagged),
            true_positives=hits,
            precision=precision,
            recall=recall,
            f1=_f1(precision, recall),
            precision_at_10=_precision_at(tops, TOP[0]),
            precision_at_25=_precision_at(tops, TOP[1]),
            median_lead_weeks=statistics.median(leads) if leads else None,
            stops=len(outcomes.stop_members),
            stops_caught=len(leads),
        )

    def _thresholds(self) -> list[float]:
        """Per date, the lowest rank inside the rule's top share of everyone judged then."""
        if self.top_share is None:
            return []
        thresholds = []
        for standing in self.standings:
            ranked = sorted(standing, reverse=True)
            inside = math.ceil(self.top_share * len(ranked))
            thresholds.append(ranked[inside - 1] if inside else math.inf)
        return thresholds


def _keep(heap: list[tuple[float, int, int]], entry: tuple[float, int, int]) -> None:
    """Keep the largest TOP[-1] entries."""
    if len(heap) < TOP[-1]:
        heapq.heappush(heap, entry)
    elif entry > heap[0]:
        heapq.heapreplace(heap, entry)


def _precision_at(tops: list[list[tuple[float, int, int]]], k: int) -> float | None:
    """Hits among each date's k highest ranked flags over how many there were (at most k)."""
    hits = shown = 0
    for heap in tops:
        best = heapq.nlargest(k, heap)
        hits += sum(stopped for _, _, stopped in best)
        shown += len(best)
    return hits / shown if shown else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def _leads(outcomes: Outcomes, when: dict[int, set[int]]) -> list[float]:
    """Weeks from the first flag to the last interaction, for each stop the rule caught.

    The first flag is the start of the run of consecutive flagged dates holding the first
    flag after the last interaction: a rule that flagged the fading member before they went
    quiet gets the credit, one that flagged them a year ago and not since does not.
    """
    dates = outcomes.dates_us
    leads = []
    stops = zip(
        outcomes.stop_members,
        outcomes.stop_last,
        outcomes.stop_first,
        outcomes.stop_end,
        strict=True,
    )
    for member, last, first, end in stops:
        flagged = when.get(member, set())
        caught = next((d for d in range(first, end) if d in flagged), None)
        if caught is None:
            continue
        while caught - 1 in flagged:
            caught -= 1
        leads.append((last - dates[caught]) / WEEK_US)
    return leads
