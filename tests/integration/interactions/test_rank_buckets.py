"""Ranks from the rank-key buckets equal ranks counted over every ranked member."""

from __future__ import annotations

import random
from uuid import UUID

import pytest

from api.bootstrap import personal_data
from application.runtime import Runtime
from domain.members import commands as cmd
from projections.interactions.queries import EngagementQueries
from tests.integration.conftest import rows
from tests.integration.interactions.test_engagement_projection import (
    engagement_runner,
    interaction,
    joined,
)

pytestmark = pytest.mark.integration

BUCKETS_AS_COUNTED = """
SELECT crm_rank_bucket(rank_key), count(*) FROM member_engagement
WHERE ranked AND rank_key > '-Infinity' GROUP BY 1 ORDER BY 1
"""
COUNTED_RANKS = """
SELECT member_id, (SELECT count(*) FROM member_engagement o WHERE o.ranked
    AND o.rank_key > e.rank_key) + 1
FROM member_engagement e WHERE e.ranked AND e.rank_key > '-Infinity'
"""


def active_community(runtime: Runtime, size: int) -> list[UUID]:
    """Members with a few interactions each: many keys close together, some tied."""
    chance = random.Random(7)
    members = [joined(runtime, f"R{n}") for n in range(size)]
    records = [
        interaction(member, chance.choice([0.5, 3, 3, 9, 40]), f"{n}-{k}")
        for n, member in enumerate(members)
        for k in range(chance.randint(1, 4))
    ]
    runtime.community.record_interactions(records, create_unknown_members=False)
    return members


def assert_ranks_as_counted(runtime: Runtime) -> None:
    """Every ranked member's rank, and the buckets, as a full count gives them."""
    buckets = rows(
        runtime.database_url,
        "SELECT bucket, members FROM member_rank_buckets WHERE members <> 0 ORDER BY 1",
    )
    assert buckets == rows(runtime.database_url, BUCKETS_AS_COUNTED)
    queries = EngagementQueries(runtime.pool, personal_data(runtime))
    counted = dict(rows(runtime.database_url, COUNTED_RANKS))
    assert counted, "nobody is ranked: the comparison would prove nothing"
    for member_id, rank in counted.items():
        found = queries.engagement(member_id)
        assert found is not None
        assert (found["rank"], found["ranked"]) == (rank, len(counted)), member_id


def test_ranks_follow_new_interactions_flags_and_departures(runtime: Runtime) -> None:
    members = active_community(runtime, 40)
    runner = engagement_runner(runtime, batch_size=7)
    runner.catch_up()
    assert_ranks_as_counted(runtime)
    # Keys move up, members leave the ranking and come back.
    runtime.community.record_interactions(
        [interaction(m, 0.1, f"more-{n}", kind="pull_request") for n, m in enumerate(members[:9])],
        create_unknown_members=False,
    )
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=members[0]))
    runtime.community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=members[1]))
    runtime.community.mark_member_left(cmd.MarkMemberLeft(member_id=members[2]))
    runtime.community.erase_member(cmd.EraseMember(member_id=members[3]))
    runner.catch_up()
    assert_ranks_as_counted(runtime)
    runtime.community.mark_member_as_staff(
        cmd.MarkMemberAsStaff(member_id=members[0], is_staff=False)
    )
    runtime.community.rejoin_member(cmd.RejoinMember(member_id=members[2]))
    runner.catch_up()
    assert_ranks_as_counted(runtime)


def test_ranks_after_a_rebuild(runtime: Runtime) -> None:
    members = active_community(runtime, 25)
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=members[4]))
    runner = engagement_runner(runtime, batch_size=500)
    runner.catch_up()
    runner.reset(replay=True)
    assert rows(runtime.database_url, "SELECT count(*) FROM member_rank_buckets") == [(0,)]
    runner.catch_up()
    assert_ranks_as_counted(runtime)
