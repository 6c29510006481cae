"""The engagement decay in SQL gives the domain's values, for any date, half-life and weight.

SQL computes a rebuild's rank-key terms (REPLAYED_TERMS, with `replay_parameters`) from the
engagement rule's numbers; the lifecycle score at an instant is computed from each member's
interactions as MemberHistories reads them. The rank keys are added by crm_add_rank, held to
add_to_rank_key by tests/integration/test_rank_functions.py.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from application.runtime import Runtime
from domain.interactions.engagement import EPOCH, NO_ACTIVITY, EngagementRule
from domain.interactions.interaction import InteractionKind
from projections.interactions.replay_totals import REPLAYED_TERMS, replay_parameters
from projections.lifecycle.histories import MemberHistories
from tests.integration.conftest import execute, rows

pytestmark = pytest.mark.integration

DAY = timedelta(days=1)
HALF_LIVES = (timedelta(hours=1), timedelta(days=1), timedelta(days=30), timedelta(days=3650))
# The first and last instants Python represents, the rule's epoch, and ordinary dates.
MOMENTS = (
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(1900, 1, 1, tzinfo=UTC),
    EPOCH,
    datetime(2026, 6, 1, 12, 30, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
)
# Weights far apart, and a kind the rule ignores (weight 0: no term at all).
WEIGHTS = {
    InteractionKind.MESSAGE: 3.0,
    InteractionKind.PULL_REQUEST: 10.0,
    InteractionKind.REACTION_GIVEN: 0.001,
    InteractionKind.POST: 1e6,
    InteractionKind.ISSUE: 0.0,
}


def rule_with(half_life: timedelta) -> EngagementRule:
    """A rule with the test's weights and this half-life."""
    return EngagementRule(version="decay-test", half_life=half_life, weights=dict(WEIGHTS))


@pytest.mark.parametrize("half_life", HALF_LIVES, ids=str)
def test_a_rebuilds_terms_are_the_rules_for_any_date_and_weight(
    database: str, half_life: timedelta
) -> None:
    rule = rule_with(half_life)
    cases = list(itertools.product(WEIGHTS, MOMENTS))
    member = uuid.uuid4()
    for number, (kind, moment) in enumerate(cases):
        execute(
            database,
            "INSERT INTO member_interactions (interaction_id, member_id, channel, kind,"
            " occurred_at, external_id, recorded_at) VALUES (%s, %s, 'slack', %s, %s, %s, now())",
            (uuid.uuid4(), member, kind.value, moment, str(number)),
        )
    query = f"SELECT weight, occurred_at, term FROM ({REPLAYED_TERMS}) AS t"
    found = rows(database, query, replay_parameters(rule))  # type: ignore[arg-type]
    by_case = {(weight, occurred_at): term for weight, occurred_at, term in found}
    assert len(by_case) == len(cases)
    for kind, moment in cases:
        expected, in_sql = rule.increment(kind, moment), by_case[(WEIGHTS[kind], moment)]
        if expected == NO_ACTIVITY:
            assert in_sql == NO_ACTIVITY
        else:
            assert in_sql == pytest.approx(expected, rel=1e-12, abs=1e-9), (kind, moment)


# (at, half-life): ordinary instants under every half-life, and the ends of the calendar
# under half-lives short enough for the score's horizon to stay inside it. Under an hour's
# half-life the horizon is 8 hours: a Monday morning, so that this week counts.
SCORE_CASES = [
    *((datetime(2026, 6, 3, 9, 15, tzinfo=UTC), h) for h in HALF_LIVES[1:]),
    (datetime(2026, 6, 1, 5, tzinfo=UTC), timedelta(hours=1)),
    (datetime(2020, 1, 1, tzinfo=UTC), timedelta(days=30)),
    (datetime(2, 3, 1, 18, tzinfo=UTC), timedelta(days=1)),
    (datetime(9999, 12, 27, 5, tzinfo=UTC), timedelta(hours=1)),
    (datetime(9999, 12, 30, 6, tzinfo=UTC), timedelta(days=30)),
]


@pytest.mark.parametrize(("at", "half_life"), SCORE_CASES, ids=str)
def test_the_lifecycle_score_is_the_rules_decay_of_each_interaction_up_to_the_instant(
    runtime: Runtime, at: datetime, half_life: timedelta
) -> None:
    rule = rule_with(half_life)
    member = uuid.uuid4()
    execute(
        runtime.database_url,
        "INSERT INTO members (member_id, status, joined_at, source_channel, version, updated_at)"
        " VALUES (%s, 'active', %s, 'slack', 1, now())",
        (member, datetime(1, 1, 1, tzinfo=UTC)),
    )
    # Interactions of every weight before the instant, one at it, and some after it.
    last = datetime.max.replace(tzinfo=UTC)
    later = [at + span for span in (DAY / 5, 3 * DAY) if at <= last - span]
    moments = [at - DAY * n / 3 for n in range(40)] + later
    cases = list(zip(itertools.cycle(WEIGHTS), moments, strict=False))
    for number, (kind, moment) in enumerate(cases):
        execute(
            runtime.database_url,
            "INSERT INTO member_interactions (interaction_id, member_id, channel, kind,"
            " occurred_at, external_id, recorded_at) VALUES (%s, %s, 'slack', %s, %s, %s, now())",
            (uuid.uuid4(), member, kind.value, moment, str(number)),
        )
    [found] = MemberHistories(runtime.pool).histories(
        rule, until=at, after=uuid.UUID(int=0), limit=10
    )
    # The definition: each weight halves every half-life; nothing after `at` counts.
    expected = sum(
        rule.decayed(WEIGHTS[kind], moment, at) for kind, moment in cases if moment <= at
    )
    assert found.score(at, half_life) == pytest.approx(expected, rel=1e-9)
    assert found.score(at, half_life) > 0
