"""CommunityHealth through the real application: every KPI against the domain reference."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from application.health.reports import CommunityHealth
from application.runtime import Runtime
from domain.errors import InvalidField
from domain.health import (
    Granularity,
    HealthRule,
    InteractionSeen,
    MemberRecord,
    PeriodKpis,
    Spell,
    cohort_retention,
    community_kpis,
    member_facts,
)
from domain.lifecycle.stages import Assessment, Evidence, Stage
from domain.members import commands as cmd
from projections.health.reads import HealthReads
from tests.integration.conftest import execute, rows
from tests.integration.health.test_health_projection import Clock, at, health_runner, record

pytestmark = pytest.mark.integration

WEEK, MONTH = Granularity.WEEK, Granularity.MONTH
DAY1, DAY3 = date(2026, 4, 1), date(2026, 4, 10)  # recording days; the late one on DAY3
NOW = datetime(2026, 4, 20, 12, tzinfo=UTC)  # "now" as the use case sees it
RULE = HealthRule(inactive_weeks=2)  # two silent weeks: a small community's scale


@dataclass
class Scripted:
    """The community, and what the domain reference needs of it."""

    members: dict[str, object]
    seen: list[InteractionSeen]
    staff_or_bot: set[str]


def scripted(runtime: Runtime, clock: Clock) -> Scripted:
    """Alice returns after a silence, Bob straddles the 28 February midnight and goes quiet,
    Dan joins and leaves, Carol (staff) and a bot interact, Erin's March interaction is
    recorded late (DAY3)."""
    clock.on(DAY1)
    names = ("alice", "bob", "carol", "bot", "dan", "erin")
    members = {
        n: runtime.community.join_member(
            cmd.JoinMember(display_name=n, joined_at=at("2026-01-05T09:00:00"))
        ).member.id
        for n in names
    }
    runtime.community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=members["bot"]))  # type: ignore[arg-type]
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=members["carol"]))  # type: ignore[arg-type]
    runtime.community.mark_member_left(
        cmd.MarkMemberLeft(member_id=members["dan"], left_at=at("2026-03-04T08:00:00"))  # type: ignore[arg-type]
    )
    seen: list[InteractionSeen] = []

    def interact(name: str, when: str, channel: str = "slack", recorded: date = DAY1) -> None:
        clock.on(recorded)
        record(runtime, members[name], when, channel)
        seen.append(InteractionSeen(str(members[name]), at(when), clock.now))

    interact("alice", "2026-02-02T10:00:00")
    for hour in (10, 11, 12, 13):  # four on one day: a repeat member that week
        interact("alice", f"2026-03-02T{hour}:00:00")
    interact("alice", "2026-03-10T10:00:00")
    interact("bob", "2026-02-28T23:59:59")
    interact("bob", "2026-03-01T00:00:00", "github")
    interact("carol", "2026-03-03T12:00:00")
    interact("bot", "2026-03-03T12:00:00")
    interact("dan", "2026-03-02T09:00:00")
    interact("erin", "2026-02-10T12:00:00")
    interact("erin", "2026-03-16T12:00:00", recorded=DAY3)
    health_runner(runtime).catch_up()
    return Scripted(members, seen, {str(members["carol"]), str(members["bot"])})


def health(runtime: Runtime) -> CommunityHealth:
    return CommunityHealth(HealthReads(runtime.pool), RULE, clock=lambda: NOW)


def reference(
    runtime: Runtime,
    s: Scripted,
    granularity: Granularity,
    start: date,
    end: date,
    as_of: date | None,
) -> list[PeriodKpis]:
    """The domain's community_kpis from the same facts, spells as the read model holds them."""
    spells = {
        str(m): (Spell(j, left),)
        for m, j, left in rows(
            runtime.database_url, "SELECT member_id, joined_at, left_at FROM health_members"
        )
    }
    records = [
        MemberRecord(str(m), is_staff=str(m) in s.staff_or_bot, spells=spells[str(m)])
        for m in s.members.values()
    ]
    known = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), UTC) if as_of else NOW
    facts = member_facts(records, s.seen, as_of=known - timedelta(microseconds=1))
    return community_kpis(
        facts.values(), start=start, end=end, granularity=granularity, rule=RULE, judged_at=known
    )


def values(found: list[PeriodKpis], name: str) -> dict[str, int]:
    return {p.start.isoformat(): getattr(p, name).value for p in found}


@pytest.mark.parametrize(
    ("granularity", "start", "end"),
    [(WEEK, date(2026, 2, 23), date(2026, 4, 6)), (MONTH, date(2026, 2, 1), date(2026, 4, 1))],
)
@pytest.mark.parametrize("as_of", [DAY1, None])
def test_every_kpi_is_the_domain_reference(
    runtime: Runtime,
    clock: Clock,
    granularity: Granularity,
    start: date,
    end: date,
    as_of: date | None,
) -> None:
    s = scripted(runtime, clock)
    found = health(runtime).kpis(start, end, granularity, None, as_of)
    expected = reference(runtime, s, granularity, start, end, as_of)
    assert [comparable(p) for p in found] == expected


def comparable(kpis: PeriodKpis) -> PeriodKpis:
    """The KPIs the domain reference holds: no feedback here, every active member a level."""
    assert kpis.first_response_median is None and kpis.first_response_p90 is None
    assert sum(f.value for _, f in kpis.active_by_stage) == kpis.active.value
    return replace(kpis, active_by_stage=())


def test_active_by_stage_and_time_to_first_response(runtime: Runtime, clock: Clock) -> None:
    s = scripted(runtime, clock)
    url = runtime.database_url
    # Stages as the lifecycle records them (events): the health projection follows them.
    for name, stage in (("alice", Stage.ACTIVE), ("bob", Stage.AT_RISK), ("carol", Stage.ACTIVE)):
        member = runtime.community.get_members([s.members[name]])[s.members[name]]  # type: ignore[index]
        evidence = Evidence(7.0, 1.0, NOW - timedelta(days=3), 3, 4.5)
        assert member.change_stage(Assessment(stage, evidence, "stages-test", "because"), NOW)
        runtime.community.save_members(member)
    health_runner(runtime).catch_up()
    # Answered after 1 h, 2 h and 10 h in March; one unanswered; one answered after DAY1.
    for hours, submitted in ((1, 2), (2, 3), (10, 4), (None, 5), (24 * 30, 6)):
        submitted_at = datetime(2026, 3, submitted, 9, tzinfo=UTC)
        answered = submitted_at + timedelta(hours=hours) if hours else None
        execute(
            url,
            "INSERT INTO feedback_items (item_id, author_id, channel, kind, status,"
            " submitted_at, first_response_at, version, position, changed_at,"
            " status_changed_at) VALUES (gen_random_uuid(), %s, 'slack', 'idea', 'new',"
            " %s, %s, 1, 1, now(), now())",
            (s.members["alice"], submitted_at, answered),
        )
    months = health(runtime).kpis(date(2026, 2, 1), date(2026, 4, 1), MONTH)
    # Carol is staff: out. Dan left on 4 March (the lifecycle's "left"), Erin was never
    # evaluated. The stage is the member's now, as known at asOf.
    assert [(stage, f.value, f.change) for stage, f in months[1].active_by_stage] == [
        ("active", 1, 0),
        ("at_risk", 1, 0),
        ("left", 1, 1),
        ("", 1, 0),
    ]
    assert months[0].first_response_median is None
    assert months[1].first_response_median == 6 * 3600  # median of 1, 2, 10 and 720 h
    on_day1 = health(runtime).kpis(date(2026, 3, 1), date(2026, 4, 1), MONTH, as_of=DAY1)[0]
    assert on_day1.first_response_median == 2 * 3600
    assert on_day1.first_response_p90 == pytest.approx(3600 * (2 + 0.8 * 8))


def test_hand_computed_numbers(runtime: Runtime, clock: Clock) -> None:
    scripted(runtime, clock)
    months = health(runtime).kpis(date(2026, 2, 1), date(2026, 4, 1), MONTH)
    # Bob's 23:59:59 on 28 February is February's, his 00:00 on 1 March is March's; Carol
    # (staff) and the bot never count; Erin's late March interaction counts now.
    assert values(months, "active") == {"2026-02-01": 3, "2026-03-01": 4}
    assert values(months, "interactions") == {"2026-02-01": 3, "2026-03-01": 8}
    assert values(months, "new") == {"2026-02-01": 3, "2026-03-01": 1}  # Dan in March
    assert values(months, "repeat") == {"2026-02-01": 0, "2026-03-01": 1}  # Alice: 5
    # Alice (silent 2 Feb to 2 March) and Erin (10 Feb to 16 March) return in March.
    assert values(months, "returning") == {"2026-02-01": 0, "2026-03-01": 2}
    # Dan left on 4 March; five counted members joined in January, four remain.
    assert values(months, "left") == {"2026-02-01": 0, "2026-03-01": 1}
    assert values(months, "total") == {"2026-02-01": 4, "2026-03-01": 3}
    # Judged on 20 April: everyone's last interaction (all in March) is over two weeks old.
    assert values(months, "newly_inactive") == {"2026-02-01": 0, "2026-03-01": 4}
    march = months[1]
    assert (march.active.change, march.active.relative) == (1, pytest.approx(1 / 3))
    assert (march.new.change, march.new.relative) == (-2, pytest.approx(-2 / 3))
    assert march.absence_factor.value == 1  # Alice's 5 of 8
    weeks = health(runtime).kpis(date(2026, 2, 23), date(2026, 3, 9), WEEK, "github")
    assert values(weeks, "active") == {"2026-02-23": 1, "2026-03-02": 0}
    assert weeks[0].active.change == 1  # nobody on GitHub the week before


def test_a_late_interaction_changes_todays_answer_not_an_earlier_one(
    runtime: Runtime, clock: Clock
) -> None:
    scripted(runtime, clock)
    reports = health(runtime)
    earlier = reports.kpis(date(2026, 3, 16), date(2026, 3, 23), WEEK, as_of=DAY1)
    today = reports.kpis(date(2026, 3, 16), date(2026, 3, 23), WEEK)
    assert (earlier[0].active.value, today[0].active.value) == (0, 1)
    assert (earlier[0].returning.value, today[0].returning.value) == (0, 1)
    # Erin's last interaction as known on DAY1 was on 10 February (Bob's is on 1 March);
    # today it is in March.
    feb = reports.kpis(date(2026, 2, 1), date(2026, 3, 1), MONTH, as_of=DAY1)[0]
    assert feb.newly_inactive.value == 1
    assert reports.kpis(date(2026, 2, 1), date(2026, 3, 1), MONTH)[0].newly_inactive.value == 0


def test_cohorts_are_the_domain_reference(runtime: Runtime, clock: Clock) -> None:
    s = scripted(runtime, clock)
    found = health(runtime).cohorts(date(2026, 2, 1), date(2026, 4, 1), MONTH)
    records = [MemberRecord(str(m), is_staff=str(m) in s.staff_or_bot) for m in s.members.values()]
    facts = member_facts(records, s.seen, as_of=NOW).values()
    expected = cohort_retention(
        facts, start=date(2026, 2, 1), end=date(2026, 4, 1), granularity=MONTH
    )
    assert found == expected
    assert [(c.start.isoformat(), c.size, [r.active for r in c.retained]) for c in found] == [
        ("2026-02-01", 3, [3, 3]),
        ("2026-03-01", 1, [1]),
    ]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((date(2026, 3, 1), date(2026, 2, 1), MONTH), "to"),
        ((date(2000, 1, 1), date(2026, 2, 1), MONTH), "to"),  # more than 120 months
        ((date(2026, 2, 1), date(2026, 3, 1), Granularity.DAY), "granularity"),
        ((date(2026, 2, 1), date(2026, 3, 1), MONTH, "myspace"), "channel"),
        ((date(2026, 2, 1), date(2026, 3, 1), MONTH, None, date(2026, 4, 21)), "as_of"),
    ],
)
def test_bad_input_names_the_field(runtime: Runtime, args: tuple, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidField) as refused:
        health(runtime).kpis(*args)
    assert refused.value.field == field
