"""Rebuilds that replay into tables stripped of their indexes, then restore them."""

from __future__ import annotations

from uuid import UUID

import pytest

from api.bootstrap import personal_data
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.interactions.engagement import EngagementRule
from domain.interactions.interaction import InteractionKind
from domain.members import commands as cmd
from projections.engine import ProjectionRunner
from projections.interactions.projection import EngagementProjection
from tests.integration.conftest import rows
from tests.integration.interactions.test_engagement_projection import (
    TABLES,
    engagement_runner,
    interaction,
    joined,
    same_rows,
    table,
)

pytestmark = pytest.mark.integration

ALL_TABLES = (*TABLES, "member_activity_weeks")
INDEXES = (
    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'member_interactions'"
    " ORDER BY indexname"
)


def community(runtime: Runtime) -> list[UUID]:
    """Members with interactions on two channels, a staff mark, a departure and an erasure."""
    members = [joined(runtime, f"M{n}") for n in range(4)]
    for n, member in enumerate(members):
        records = [
            interaction(member, d, f"{n}-{d}", kind=kind, summary=f"said {d}", url=None)
            for d, kind in ((400, "post"), (45, "reply"), (8.5, "reaction_given"), (0.2, "issue"))
        ]
        records.append(
            RecordInteraction(
                member_id=member,
                channel="github",
                kind="pull_request",
                occurred_at=records[0].occurred_at,
                external_id=f"pr-{n}",
            )
        )
        runtime.community.record_interactions(records, create_unknown_members=False)
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=members[1]))
    runtime.community.mark_member_left(cmd.MarkMemberLeft(member_id=members[2]))
    runtime.community.erase_member(cmd.EraseMember(member_id=members[3]))
    return members


def projected(runtime: Runtime) -> dict[str, list[tuple[object, ...]]]:
    """Every engagement table's rows."""
    return {name: table(runtime, name) for name in ALL_TABLES}


def replay_state(runtime: Runtime) -> object:
    """What the position row says was stripped (None outside a replay)."""
    ((replay,),) = rows(
        runtime.database_url, "SELECT replay FROM projection_positions WHERE name = 'engagement'"
    )
    return replay


def test_a_replay_gives_the_rows_of_live_processing(runtime: Runtime) -> None:
    community(runtime)
    engagement_runner(runtime, batch_size=3).catch_up()
    live, indexes = projected(runtime), rows(runtime.database_url, INDEXES)
    runner = engagement_runner(runtime, batch_size=500)
    runner.reset(replay=True)
    assert rows(runtime.database_url, INDEXES) == []
    runner.catch_up()
    for name, expected in live.items():
        assert same_rows(table(runtime, name), expected), name
    assert rows(runtime.database_url, INDEXES) == indexes
    assert replay_state(runtime) is None
    # The erased member's summaries were decoded as nothing: their key is gone.
    assert rows(
        runtime.database_url,
        "SELECT count(*) FROM member_interactions i JOIN member_engagement e USING (member_id)"
        " WHERE e.status = 'erased' AND i.sealed_content IS NOT NULL",
    ) == [(0,)]


def test_a_replay_cut_short_resumes_in_another_runner(runtime: Runtime) -> None:
    community(runtime)
    engagement_runner(runtime).catch_up()
    live = projected(runtime)
    engagement_runner(runtime, batch_size=4).reset(replay=True)
    engagement_runner(runtime, batch_size=4).run_page()  # then the process stops
    assert replay_state(runtime) is not None
    assert rows(runtime.database_url, INDEXES) == []
    # The live worker takes over: it goes on replaying, and restores at the head.
    engagement_runner(runtime, batch_size=2).catch_up()
    assert replay_state(runtime) is None
    for name, expected in live.items():
        assert same_rows(table(runtime, name), expected), name


def test_events_recorded_during_a_replay_are_replayed_too(runtime: Runtime) -> None:
    members = community(runtime)
    runner = engagement_runner(runtime, batch_size=3)
    runner.reset(replay=True)
    runner.run_page()
    runtime.community.record_interactions(
        [interaction(members[0], 0.1, "late")], create_unknown_members=False
    )
    runner.catch_up()
    ((count,),) = rows(
        runtime.database_url,
        "SELECT interactions FROM member_engagement WHERE member_id = %s",
        (members[0],),
    )
    assert count == 6
    assert replay_state(runtime) is None


def test_a_plain_reset_restores_what_a_cut_short_replay_stripped(runtime: Runtime) -> None:
    community(runtime)
    engagement_runner(runtime).catch_up()
    indexes = rows(runtime.database_url, INDEXES)
    runner = engagement_runner(runtime, batch_size=2)
    runner.reset(replay=True)
    runner.run_page()
    runner.reset()
    assert rows(runtime.database_url, INDEXES) == indexes
    assert replay_state(runtime) is None


def test_a_replay_of_an_empty_log_restores_at_once(runtime: Runtime) -> None:
    indexes = rows(runtime.database_url, INDEXES)
    runner = engagement_runner(runtime)
    runner.reset(replay=True)
    assert runner.run_page() == 0
    assert rows(runtime.database_url, INDEXES) == indexes
    assert table(runtime, "member_engagement") == []


def test_a_replay_scores_with_the_configured_rule(runtime: Runtime) -> None:
    """Kinds the rule ignores count as interactions but add nothing to the score."""
    community(runtime)
    rule = EngagementRule(version="prs-only", weights={InteractionKind.PULL_REQUEST: 3.0})
    live = ProjectionRunner(
        runtime.pool,
        runtime.community.mapper,
        EngagementProjection(rule, personal_data(runtime)),
        batch_size=3,
    )
    live.catch_up()
    expected = projected(runtime)
    live.reset(replay=True)
    live.catch_up()
    for name, rows_ in expected.items():
        assert same_rows(table(runtime, name), rows_), name
    assert rows(
        runtime.database_url,
        "SELECT count(*) FROM member_activity_weeks WHERE weight = 0",
    ) != [(0,)]
