"""Attendance counted in engagement and in the events' figures, on a small scripted community.

Every figure below is worked out by hand from the script: hosts are left out, a newcomer's
first interaction is at most four weeks before the start, and one is kept when they
interacted between four and eight weeks after it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.bootstrap import use_cases
from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.events import commands as cmd
from domain.members.commands import MergeMembers, UnmergeMembers
from projections.events.queries import EventQueries
from tests.integration.conftest import rows, scalar
from tests.integration.events.helpers import catch_up, figures, joined, scheduled, spoke

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)
A = NOW - timedelta(weeks=20)  # long ago: every figure is known
B = NOW - timedelta(weeks=10)  # eight weeks on is two weeks ago
C = NOW - timedelta(weeks=2)  # newcomers' retention still pending
D = NOW + timedelta(days=7)  # to come


def check_in(runtime: Runtime, event: Any, member: Any, at: datetime) -> None:
    command = cmd.CheckInToEvent(event_id=event, member_id=member, checked_in_at=at)
    use_cases(runtime).events.check_in(command)


def register(runtime: Runtime, event: Any, member: Any) -> None:
    use_cases(runtime).events.register(cmd.RegisterForEvent(event_id=event, member_id=member))


def test_the_figures_of_a_scripted_community(runtime: Runtime) -> None:
    alice, bob, carol, dave, erin, frank, gina, harry, host = (
        joined(runtime, name)
        for name in ("Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Gina", "Harry", "Host")
    )
    spoke(runtime, alice, A - timedelta(weeks=10), "a-old")  # a regular: no newcomer
    spoke(runtime, bob, A - timedelta(weeks=1), "b-new")  # new a week before A
    spoke(runtime, bob, A + timedelta(weeks=5), "b-kept")  # still there five weeks on
    spoke(runtime, carol, A + timedelta(weeks=9), "c-late")  # back, but after eight weeks
    spoke(runtime, erin, B - timedelta(weeks=2), "e-new")
    spoke(runtime, erin, B + timedelta(weeks=6), "e-kept")
    a, b, c, d = (
        scheduled(runtime, A, host_ids=[host]),
        scheduled(runtime, B),
        scheduled(runtime, C),
        scheduled(runtime, D),
    )
    for member in (alice, bob, carol, dave):
        register(runtime, a, member)
    for member in (alice, bob, carol):  # dave did not come; carol's first interaction ever
        check_in(runtime, a, member, A + timedelta(minutes=5))
    check_in(runtime, b, alice, B)
    check_in(runtime, b, erin, B)  # a walk-in: registered by checking in
    register(runtime, c, gina)
    check_in(runtime, c, frank, C)
    register(runtime, d, harry)
    catch_up(runtime)

    at_a = figures(runtime, a)
    assert (at_a.registered, at_a.attended, at_a.no_show_rate) == (4, 3, 0.25)
    assert (at_a.first_timers, at_a.newcomers, at_a.retained_newcomers) == (3, 2, 1)
    at_b = figures(runtime, b)
    assert (at_b.registered, at_b.attended, at_b.no_show_rate) == (2, 2, 0.0)
    assert (at_b.first_timers, at_b.newcomers, at_b.retained_newcomers) == (1, 1, 1)
    at_c = figures(runtime, c)
    assert (at_c.registered, at_c.attended, at_c.no_show_rate) == (2, 1, 0.5)
    assert (at_c.first_timers, at_c.newcomers, at_c.retained_newcomers) == (1, 1, None)
    at_d = figures(runtime, d)
    assert (at_d.registered, at_d.attended, at_d.no_show_rate) == (1, 0, None)

    # The host hosted: an EVENT_HOSTED interaction at the start, and none of A's figures.
    kinds = rows(
        runtime.database_url,
        "SELECT member_id, kind, occurred_at FROM member_interactions"
        " WHERE kind LIKE 'event_%%' ORDER BY occurred_at, kind, member_id",
    )
    assert (host, "event_hosted", A) in kinds
    assert sum(1 for k in kinds if k[1] == "event_attended") == 6
    listed = EventQueries(runtime.pool).between(A - timedelta(days=1), C + timedelta(days=1), 10)
    assert [r["event_id"] for r in listed] == [a, b, c]
    attendees = EventQueries(runtime.pool).attendees(a, 10)
    # Those who came first; the host, who neither registered nor checked in, is not listed.
    assert [(r["member_id"], r["host"]) for r in attendees][3:] == [(dave, False)]
    assert {r["member_id"] for r in attendees} == {alice, bob, carol, dave}


def test_a_check_in_changes_the_members_engagement(runtime: Runtime) -> None:
    member = joined(runtime, "Quiet")
    event = scheduled(runtime, NOW - timedelta(hours=1))
    catch_up(runtime)
    engagement = "SELECT interactions, rank_key FROM member_engagement WHERE member_id = %s"
    before = rows(runtime.database_url, engagement, (member,))
    check_in(runtime, event, member, NOW - timedelta(minutes=30))
    check_in(runtime, event, member, NOW - timedelta(minutes=20))  # twice is once
    catch_up(runtime)
    after = rows(runtime.database_url, engagement, (member,))
    assert after and after[0][0] == 1 and after != before
    query = "SELECT occurred_at FROM member_interactions WHERE member_id = %s"
    assert scalar(runtime.database_url, query, (member,)) == NOW - timedelta(minutes=30)


def test_a_rebuild_gives_the_same_rows(runtime: Runtime) -> None:
    host, guest = joined(runtime, "Host"), joined(runtime, "Guest")
    event = scheduled(runtime, A, host_ids=[host])
    check_in(runtime, event, guest, A)
    later = scheduled(runtime, D)
    register(runtime, later, guest)
    use_cases(runtime).events.reschedule(
        cmd.RescheduleCommunityEvent(event_id=later, starts_at=D, ends_at=D + timedelta(hours=5))
    )
    use_cases(runtime).events.cancel(cmd.CancelCommunityEvent(event_id=later, reason="rain"))
    catch_up(runtime)
    tables = ("event_schedule", "event_attendees")
    live = {t: rows(runtime.database_url, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    runner = next(r for r in build_runners(runtime) if r.name == "event_attendance")
    runner.reset(replay=True)
    runner.catch_up(retrying=True)
    rebuilt = {t: rows(runtime.database_url, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    assert rebuilt == live and len(live["event_attendees"]) == 2


def test_members_merged_into_one_person_count_once(runtime: Runtime) -> None:
    source, target = joined(runtime, "Ada"), joined(runtime, "Ada L.")
    a, b = scheduled(runtime, A), scheduled(runtime, B)
    check_in(runtime, a, source, A)
    for member in (source, target):
        check_in(runtime, b, member, B)

    def counted() -> tuple[int, int, int, int]:
        catch_up(runtime)
        at_b = figures(runtime, b)
        return (at_b.registered, at_b.attended, at_b.first_timers, at_b.newcomers)

    assert counted() == (2, 2, 1, 1)
    merge = MergeMembers(source_id=source, target_id=target)
    merge_id = runtime.community.merge_members(merge).merge.id
    # One person, who came to A before: neither a first-timer nor a newcomer at B.
    assert counted() == (1, 1, 0, 0)
    runtime.community.unmerge_members(UnmergeMembers(merge_id=merge_id))
    assert counted() == (2, 2, 1, 1)
