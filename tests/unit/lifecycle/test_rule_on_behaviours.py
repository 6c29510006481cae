"""The default stage rule on members whose fate is known: qualitative facts a good rule holds.

Labels follow the backtest's definition (CONTRACT12): a member is regularly active at t with
at least 6 distinct active weeks in (t - 365 days, t] and an interaction in (t - 90 days, t];
they stopped at t when nothing follows in (t, t + horizon]. "Silent 28 days" is the one-line
reference rule: at risk once silent for more than 28 days.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta

import pytest

from application.behaviours import Behaviour, Community, KnownMember, members
from domain.interactions.engagement import EngagementRule
from domain.lifecycle.history import MICROSECOND, History
from domain.lifecycle.rule import StageRule
from domain.lifecycle.stages import Stage, changes, stage_at

COMMUNITY = Community(members=1_500, seed=11)
RULE = StageRule()
YEAR, WEEK, SILENT = timedelta(days=365), timedelta(weeks=1), timedelta(days=28)
Known = list[tuple[KnownMember, History]]


@pytest.fixture(scope="module")
def community() -> dict[Behaviour, Known]:
    """Each behaviour's members with their histories as the rule sees them."""
    weight = EngagementRule().weight
    grouped: dict[Behaviour, Known] = defaultdict(list)
    for known in members(COMMUNITY):
        pairs = [(i.occurred_at, weight(i.kind)) for i in known.interactions]
        grouped[known.behaviour].append((known, History.of(uuid.uuid4(), known.joined_at, pairs)))
    return grouped


def regularly_active(history: History, at: datetime) -> bool:
    """The backtest's population: 6 active weeks in the last year and active in 90 days."""
    recent = history.any_between(at - timedelta(days=90), at)
    return recent and history.active_weeks(at, YEAR) >= RULE.min_active_weeks


def silent_28_flags(history: History, at: datetime) -> bool:
    """The reference rule: silent for more than 28 days at `at`."""
    last = history.last_before(at)
    return last is not None and at - last > SILENT


def test_it_never_flags_a_one_off_or_occasional_member(community: dict[Behaviour, Known]) -> None:
    for behaviour in (Behaviour.ONE_OFF, Behaviour.OCCASIONAL):
        assert len(community[behaviour]) > 100
        for _, history in community[behaviour]:
            found = changes(RULE, history, COMMUNITY.start, COMMUNITY.end)
            assert Stage.AT_RISK not in {assessment.stage for _, assessment in found}


def test_it_flags_stoppers_before_silent_28_days_would(community: dict[Behaviour, Known]) -> None:
    stoppers = [
        (known, history)
        for known, history in community[Behaviour.STOPPER]
        if known.stopped_at and regularly_active(history, known.stopped_at)
    ]
    assert len(stoppers) > 30
    # Silent exactly 28 days: the reference rule has not flagged them yet; they did stop.
    flagged = 0
    for known, history in stoppers:
        at = known.stopped_at + SILENT  # type: ignore[operator]
        assert not history.any_between(at - SILENT, at) and not silent_28_flags(history, at)
        flagged += stage_at(RULE, history, at)[0] is Stage.AT_RISK
    assert flagged >= 0.9 * len(stoppers)


def test_it_flags_fewer_maintainer_holidays_than_silent_28_days(
    community: dict[Behaviour, Known],
) -> None:
    ours = reference = holidays = 0
    for known, history in community[Behaviour.MAINTAINER]:
        for _, back in known.breaks:
            last = history.last_before(back)
            after = [i.occurred_at for i in known.interactions if i.occurred_at > back]
            if last is None or not after or not regularly_active(history, last):
                continue
            # The silence is longest just before they come back: flagged then, or never.
            end = after[0] - MICROSECOND
            holidays += 1
            ours += stage_at(RULE, history, end)[0] is Stage.AT_RISK
            reference += silent_28_flags(history, end)
    assert holidays > 20
    assert ours < reference


def test_it_warns_of_more_faders_before_their_last_interaction_than_silent_28_days(
    community: dict[Behaviour, Known],
) -> None:
    ours = reference = 0
    for known, history in community[Behaviour.FADER]:
        assert known.stopped_at is not None
        dates = [known.stopped_at - n * WEEK for n in range(1, 27)]
        regular = [at for at in dates if regularly_active(history, at)]
        ours += any(stage_at(RULE, history, at)[0] is Stage.AT_RISK for at in regular)
        reference += any(silent_28_flags(history, at) for at in regular)
    assert ours > reference
