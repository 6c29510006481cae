"""Stages follow activity at a point in time: any evaluation schedule gives the same answers.

Random histories, random sets of evaluation dates in random order: every date evaluated
answers what a weekly evaluation answers, and what the rule says from the interactions up to
that date alone, so interactions after a date never change its answer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.lifecycle.evaluation import StageEvaluation
from domain.interactions.engagement import EngagementRule
from domain.lifecycle import History
from domain.lifecycle.history import to_us
from domain.lifecycle.stages import verdict
from domain.members import commands as cmd
from tests.unit.conftest import in_memory_community
from tests.unit.lifecycle.fakes import SHORT_RULE, Histories, MembersStages, recorded_stage_at

START = datetime(2023, 1, 2, tzinfo=UTC)  # a Monday
WEEKS = 60
NOW = START + timedelta(weeks=WEEKS + 1)
RULE = SHORT_RULE

# Bursts of activity separated by silences of every length, each burst a few days.
bursts = st.lists(
    st.tuples(st.integers(0, 70), st.integers(1, 12), st.floats(0.1, 3.0)),
    min_size=1,
    max_size=12,
)
# Dates on the weekly grid, and instants anywhere, in the order evaluated.
schedules = st.lists(
    st.one_of(
        st.integers(0, WEEKS).map(lambda w: START + timedelta(weeks=w)),
        st.integers(0, WEEKS * 7 * 24).map(lambda h: START + timedelta(hours=h)),
    ),
    min_size=1,
    max_size=8,
)


def history_of(member_id: UUID, joined_at: datetime, plan: list[tuple[int, int, float]]) -> History:
    moments = []
    at = joined_at
    for silence_days, days_active, every_days in plan:
        at += timedelta(days=silence_days)
        for day in range(days_active):
            moments.append((at + timedelta(days=day * every_days, hours=day % 5), 3.0))
        at += timedelta(days=days_active * every_days)
    return History.of(member_id, joined_at, [(m, w) for m, w in moments if m < NOW])


def evaluated(plans: list[list[tuple[int, int, float]]], dates: list[datetime]) -> list[list[str]]:
    """Each member's recorded stage at each date, after evaluating those dates in that order."""
    community = in_memory_community()
    members = [
        community.join_member(cmd.JoinMember(display_name=f"m{n}", joined_at=START)).member.id
        for n in range(len(plans))
    ]
    histories = Histories(*(history_of(i, START, p) for i, p in zip(members, plans, strict=True)))
    evaluation = StageEvaluation(
        community,
        histories,
        MembersStages(community),
        rule=RULE,
        engagement=EngagementRule(),
        clock=lambda: NOW,
    )
    for at in dates:
        evaluation.evaluate(at)
    return [
        [str(recorded_stage_at(community, member_id, at)) for at in dates] for member_id in members
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(bursts, min_size=1, max_size=3), schedules)
def test_any_schedule_answers_as_a_weekly_evaluation_and_as_the_rule_at_each_date(
    plans: list[list[tuple[int, int, float]]], schedule: list[datetime]
) -> None:
    weekly = [START + timedelta(weeks=w) for w in range(WEEKS + 1)]
    every_week = dict(zip(weekly, zip(*evaluated(plans, weekly), strict=True), strict=True))
    answers = evaluated(plans, schedule)
    for n, plan in enumerate(plans):
        history = history_of(UUID(int=0), START, plan)
        for at, answer in zip(schedule, answers[n], strict=True):
            # What the rule says from the interactions up to `at` alone.
            assert answer == str(verdict(RULE, history, to_us(at)).stage)
            if at in every_week:
                assert answer == every_week[at][n]
