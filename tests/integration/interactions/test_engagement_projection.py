"""The engagement projection: order-independent scores, erasure, rebuilds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from api.bootstrap import personal_data
from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.interactions.engagement import DEFAULT_RULE, EngagementRule
from domain.interactions.interaction import InteractionKind
from domain.members import commands as cmd
from projections.engine import ProjectionRunner
from projections.interactions.projection import EngagementProjection
from projections.positions import RuleChanged, lags
from tests.integration.conftest import opened_rows, rows

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
TABLES = ("member_interactions", "member_engagement", "member_channel_engagement")


def engagement_runner(runtime: Runtime, batch_size: int = 4) -> ProjectionRunner:
    """The runner of the `engagement` projection."""
    return next(r for r in build_runners(runtime, batch_size=batch_size) if r.name == "engagement")


def joined(runtime: Runtime, name: str) -> UUID:
    """A new member's id."""
    return runtime.community.join_member(cmd.JoinMember(display_name=name)).member.id


def interaction(
    member_id: UUID, days_ago: float, external_id: str, **fields: object
) -> RecordInteraction:
    """A message on Slack some days ago."""
    return RecordInteraction(
        member_id=member_id,
        channel="slack",
        kind=fields.pop("kind", "message"),  # type: ignore[arg-type]
        occurred_at=NOW - timedelta(days=days_ago),
        external_id=external_id,
        **fields,  # type: ignore[arg-type]
    )


def table(runtime: Runtime, name: str) -> list[tuple[object, ...]]:
    """A read table's rows, sorted by their first columns (keys)."""
    found = opened_rows(runtime.database_url, f"SELECT * FROM {name}")
    return sorted(found, key=lambda row: repr(row[:3]))


def same_rows(left: list[tuple[object, ...]], right: list[tuple[object, ...]]) -> bool:
    """Equal rows, floats within rounding: pages group their sums differently."""
    return len(left) == len(right) and all(
        len(a) == len(b)
        and all(
            x == pytest.approx(y, rel=1e-12) if isinstance(x, float) else x == y
            for x, y in zip(a, b, strict=True)
        )
        for a, b in zip(left, right, strict=True)
    )


def test_out_of_order_arrivals_give_the_same_score(runtime: Runtime) -> None:
    in_order, reversed_ = joined(runtime, "In order"), joined(runtime, "Reversed")
    ages = [400, 90, 30, 7, 1, 0.1]
    for age in ages:
        runtime.community.record_interactions(
            [interaction(in_order, age, f"a{age}")], create_unknown_members=False
        )
    for age in reversed(ages):
        runtime.community.record_interactions(
            [interaction(reversed_, age, f"b{age}")], create_unknown_members=False
        )
    engagement_runner(runtime, batch_size=1).catch_up()
    found = {
        row[0]: row[1:]
        for row in rows(
            runtime.database_url,
            "SELECT member_id, rank_key, interactions, first_interaction_at, last_interaction_at"
            " FROM member_engagement",
        )
    }
    (key, *rest), (reversed_key, *reversed_rest) = found[in_order], found[reversed_]
    assert key == pytest.approx(reversed_key, abs=1e-9)  # sums grouped differently
    assert rest == reversed_rest
    weeks = rows(
        runtime.database_url,
        "SELECT member_id, sum(interactions), sum(weight) FROM member_activity_weeks"
        " GROUP BY member_id ORDER BY member_id",
    )
    assert [tuple(w[1:]) for w in weeks] == [(6, 18.0), (6, 18.0)]


def test_erasure_clears_summaries_and_unranks_but_keeps_counts(runtime: Runtime) -> None:
    member = joined(runtime, "Private")
    runtime.community.record_interactions(
        [interaction(member, 1, "p1", summary="a private remark", url="https://x.org/p1")],
        create_unknown_members=False,
    )
    runner = engagement_runner(runtime)
    runner.catch_up()
    runtime.community.erase_member(cmd.EraseMember(member_id=member))
    runner.catch_up()
    assert rows(runtime.database_url, "SELECT sealed_content FROM member_interactions") == [(None,)]
    assert rows(
        runtime.database_url, "SELECT interactions, status, ranked FROM member_engagement"
    ) == [(1, "erased", False)]


def test_a_rebuild_gives_the_rows_of_live_processing(runtime: Runtime) -> None:
    members = [joined(runtime, f"M{n}") for n in range(3)]
    for n, member in enumerate(members):
        runtime.community.record_interactions(
            [interaction(member, d, f"{n}-{d}", kind="reply") for d in range(0, 60, 6)],
            create_unknown_members=False,
        )
        runner = engagement_runner(runtime)
        runner.catch_up()
    runtime.community.mark_member_left(cmd.MarkMemberLeft(member_id=members[0]))
    runner.catch_up()
    live = {name: table(runtime, name) for name in (*TABLES, "member_activity_weeks")}
    runner.reset()
    assert table(runtime, "member_engagement") == []
    engagement_runner(runtime, batch_size=500).catch_up()
    for name, expected in live.items():
        assert same_rows(table(runtime, name), expected), name


def test_a_changed_rule_is_refused_until_the_projection_is_rebuilt(runtime: Runtime) -> None:
    member = joined(runtime, "Ruled")
    runtime.community.record_interactions(
        [interaction(member, 1, "r1")], create_unknown_members=False
    )
    engagement_runner(runtime).catch_up()
    heavier = EngagementRule(version="messages-weigh-ten", weights={InteractionKind.MESSAGE: 10.0})
    changed = ProjectionRunner(
        runtime.pool,
        runtime.community.mapper,
        EngagementProjection(heavier, personal_data(runtime)),
        batch_size=10,
    )
    runtime.community.record_interactions(
        [interaction(member, 0, "r2")], create_unknown_members=False
    )
    with pytest.raises(RuleChanged, match="crm project --rebuild engagement"):
        changed.catch_up()
    (lag,) = lags(runtime.pool, ["engagement"])
    assert lag.rule_version == DEFAULT_RULE.version and lag.behind > 0
    changed.reset()
    changed.catch_up()
    (lag,) = lags(runtime.pool, ["engagement"])
    assert (lag.rule_version, lag.behind) == ("messages-weigh-ten", 0)
    (weight,) = rows(runtime.database_url, "SELECT sum(weight) FROM member_activity_weeks")
    assert weight[0] == 20.0
