"""The set-based rebuild of the health read model against live processing of one log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from application.runtime import Runtime
from domain.feedback import FeedbackKind
from domain.health import Granularity
from domain.lifecycle.stages import Assessment, Evidence, Stage
from domain.members import commands as cmd
from tests.integration.conftest import rows
from tests.integration.health.test_community_health import DAY1, DAY3, NOW, health, scripted
from tests.integration.health.test_health_projection import (
    Clock,
    feedback,
    health_runner,
    join,
    record,
    snapshot,
)

pytestmark = pytest.mark.integration

# After the scripted community's days (recorded times follow the log, as in the store).
DAY4, DAY5 = date(2026, 4, 12), date(2026, 4, 14)
WEEK, MONTH = Granularity.WEEK, Granularity.MONTH


def community(runtime: Runtime, clock: Clock) -> dict[str, object]:
    """The scripted community of test_community_health, and: Frank marked staff after
    interacting (DAY4), Gina erased after interacting, praise and criticism, a stage
    change, and Alice's late interaction of 20 February (DAY5) shortening her silence."""
    members = dict(scripted(runtime, clock).members)
    clock.on(DAY3)
    members["frank"], members["gina"] = join(runtime, "Frank"), join(runtime, "Gina")
    record(runtime, members["frank"], "2026-03-05T10:00:00")
    record(runtime, members["gina"], "2026-03-06T10:00:00", "github")
    record(runtime, members["gina"], "2026-03-20T10:00:00")
    feedback(runtime, members["bob"], FeedbackKind.PRAISE, "2026-03-11T09:00:00")
    feedback(runtime, members["erin"], FeedbackKind.CRITICISM, "2026-03-12T09:00:00")
    feedback(runtime, members["alice"], FeedbackKind.BUG, "2026-03-12T09:00:00")
    alice = runtime.community.get_members([members["alice"]])[members["alice"]]  # type: ignore[index]
    evidence = Evidence(7.0, 1.0, NOW - timedelta(days=3), 3, 4.5)
    assert alice.change_stage(Assessment(Stage.ACTIVE, evidence, "stages-test", "because"), NOW)
    runtime.community.save_members(alice)
    clock.on(DAY4)
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=members["frank"]))  # type: ignore[arg-type]
    runtime.community.erase_member(cmd.EraseMember(member_id=members["gina"]))  # type: ignore[arg-type]
    clock.on(DAY5)
    record(runtime, members["alice"], "2026-02-20T08:00:00")
    return members


def answers(runtime: Runtime) -> list[object]:
    """communityHealth and cohortRetention over the scripted months and weeks."""
    found: list[object] = []
    for granularity, start, end in (
        (WEEK, date(2026, 2, 2), date(2026, 4, 6)),
        (MONTH, date(2026, 1, 1), date(2026, 4, 1)),
    ):
        for as_of in (DAY1, DAY3, DAY4, None):
            for channel in (None, "slack"):
                found.append(health(runtime).kpis(start, end, granularity, channel, as_of))
        found.append(health(runtime).cohorts(start, end, granularity))
    return found


def change_stage(runtime: Runtime, member: object, stage: Stage) -> None:
    """The member's lifecycle stage changed now (the clock's recorded day)."""
    found = runtime.community.get_members([member])[member]  # type: ignore[index,list-item]
    evidence = Evidence(7.0, 1.0, NOW - timedelta(days=3), 3, 4.5)
    assert found.change_stage(Assessment(stage, evidence, "stages-test", "because"), NOW)
    runtime.community.save_members(found)


def late_community(runtime: Runtime, clock: Clock) -> None:
    """The community, and: several members' days recorded late, some days after a later
    one and on the same recorded day as another member's, between changes of stage (three
    of them in a row, on one day)."""
    members = community(runtime, clock)
    hank, ivy = join(runtime, "Hank"), join(runtime, "Ivy")
    clock.on(date(2026, 4, 13))
    for when in ("2026-01-05T10:00:00", "2026-02-23T10:00:00", "2026-03-30T10:00:00"):
        record(runtime, hank, when)
    record(runtime, ivy, "2026-03-31T10:00:00", "github")
    change_stage(runtime, hank, Stage.AT_RISK)
    clock.on(DAY5)
    record(runtime, hank, "2026-02-02T10:00:00")
    record(runtime, ivy, "2026-01-12T10:00:00")
    record(runtime, members["bob"], "2026-01-20T10:00:00", "github")
    change_stage(runtime, ivy, Stage.ACTIVE)
    change_stage(runtime, ivy, Stage.AT_RISK)  # and back: changes that cancel out
    change_stage(runtime, ivy, Stage.ACTIVE)
    clock.on(date(2026, 4, 16))
    record(runtime, hank, "2026-03-09T10:00:00", "github")
    record(runtime, hank, "2026-01-26T10:00:00")
    record(runtime, ivy, "2026-02-16T10:00:00")
    record(runtime, members["bob"], "2026-02-09T10:00:00")
    change_stage(runtime, hank, Stage.ACTIVE)
    clock.on(date(2026, 4, 18))
    record(runtime, hank, "2026-03-16T10:00:00")
    record(runtime, ivy, "2026-03-02T10:00:00", "github")


@pytest.mark.parametrize("script", [community, late_community])
def test_the_rebuild_writes_the_live_rows_and_answers(
    runtime: Runtime, clock: Clock, script: object
) -> None:
    script(runtime, clock)  # type: ignore[operator]
    health_runner(runtime, batch_size=1).catch_up()
    live, live_answers = snapshot(runtime), answers(runtime)
    gina = rows(runtime.database_url, "SELECT member_id FROM health_members WHERE erased")
    assert rows(
        runtime.database_url,
        "SELECT count(*) FROM health_member_periods WHERE member_id = %s",
        gina[0],
    ) == [(0,)]
    runner = health_runner(runtime, batch_size=500)
    runner.reset(replay=True)
    runner.catch_up()
    rebuilt = snapshot(runtime)
    for table, found in rebuilt.items():
        assert (table, sorted(set(found) - set(live[table]), key=repr)) == (
            table,
            sorted(set(live[table]) - set(found), key=repr),
        )
    assert answers(runtime) == live_answers
    staged = ("health_replay_interactions", "health_replay_members", "health_replay_flags")
    for table in staged:
        assert rows(runtime.database_url, f"SELECT count(*) FROM {table}") == [(0,)]


def test_live_pages_of_any_size_write_the_same_rows(runtime: Runtime, clock: Clock) -> None:
    """A page holding a member's new rows, then their stage change, then more rows moves
    exactly the rows the change found: as many pages as events, or one page for them all."""
    late_community(runtime, clock)
    health_runner(runtime, batch_size=1).catch_up()
    one_per_event = snapshot(runtime)
    runner = health_runner(runtime, batch_size=500)
    runner.reset()
    runner.catch_up()
    one_page = snapshot(runtime)
    assert any(row for row in one_page["health_rollups"] if "stage" in row)
    for table, found in one_page.items():
        assert (table, sorted(set(found) - set(one_per_event[table]), key=repr)) == (
            table,
            sorted(set(one_per_event[table]) - set(found), key=repr),
        )


def test_a_late_day_changes_returning_from_its_recorded_day(runtime: Runtime, clock: Clock) -> None:
    community(runtime, clock)
    health_runner(runtime).catch_up()

    def returning(as_of: date | None) -> int:
        week = health(runtime).kpis(date(2026, 3, 2), date(2026, 3, 9), WEEK, None, as_of)
        return week[0].returning.value

    # Alice returns in the week of 2 March after a silence from 2 February; her
    # interaction of 20 February, recorded on DAY5, shortens it below two weeks.
    assert returning(DAY4) == 1
    assert returning(None) == 0
    runner = health_runner(runtime, batch_size=500)
    runner.reset(replay=True)
    runner.catch_up()
    assert (returning(DAY4), returning(None)) == (1, 0)
