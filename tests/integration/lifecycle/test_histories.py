"""Members' histories from PostgreSQL: counted members only, exact windows, weighted, in pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.interactions.engagement import EngagementRule
from domain.interactions.interaction import InteractionKind
from domain.lifecycle.history import to_us
from domain.members import commands as cmd
from projections.lifecycle.histories import MemberHistories

pytestmark = pytest.mark.integration

AT = datetime(2025, 6, 2, tzinfo=UTC)
DAY = timedelta(days=1)
ENGAGEMENT = EngagementRule(
    weights={
        InteractionKind.MESSAGE: 3.0,
        InteractionKind.POST: 6.0,
        InteractionKind.REACTION_GIVEN: 0.0,
    }
)


def joined(runtime: Runtime, name: str, interactions: list[tuple[datetime, str]]) -> UUID:
    member = runtime.community.join_member(
        cmd.JoinMember(display_name=name, joined_at=AT - 400 * DAY)
    ).member.id
    runtime.community.record_interactions(
        [
            RecordInteraction(
                member_id=member,
                channel="discord",
                kind=kind,
                occurred_at=moment,
                external_id=f"{name}-{n}",
            )
            for n, (moment, kind) in enumerate(interactions)
        ],
        create_unknown_members=False,
    )
    return member


def test_histories_hold_counted_members_weighted_interactions_in_the_window(
    runtime: Runtime,
) -> None:
    edges = [(AT - 10 * DAY, "message"), (AT, "post"), (AT + DAY / 1e6, "message")]
    steady = joined(runtime, "steady", [*edges, (AT - 5 * DAY, "reaction_given")])
    staff = joined(runtime, "staff", edges)
    bot = joined(runtime, "bot", edges)
    gone = joined(runtime, "gone", edges)
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=staff))
    runtime.community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=bot))
    runtime.community.mark_member_left(cmd.MarkMemberLeft(member_id=gone, left_at=AT))
    for runner in build_runners(runtime):
        runner.catch_up()
    (history,) = MemberHistories(runtime.pool).histories(
        ENGAGEMENT, since=AT - 10 * DAY, until=AT, after=UUID(int=0), limit=100
    )
    assert history.member_id == steady
    # (since, until]: the one at `since` is out, the one at `until` in, a microsecond after out;
    # a reaction weighs nothing under this rule, so it is not there either.
    assert history.moments == (to_us(AT),)
    assert history.weights == (6.0,)


def test_histories_come_a_page_at_a_time_in_member_id_order(runtime: Runtime) -> None:
    members = sorted(joined(runtime, f"m{n}", [(AT - n * DAY, "message")]) for n in range(5))
    for runner in build_runners(runtime):
        runner.catch_up()
    reader, after, pages = MemberHistories(runtime.pool), UUID(int=0), []
    while page := reader.histories(ENGAGEMENT, until=AT, after=after, limit=2):
        pages.append([h.member_id for h in page])
        after = page[-1].member_id
    assert pages == [members[:2], members[2:4], members[4:]]
