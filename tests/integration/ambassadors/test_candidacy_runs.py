"""Candidacy runs on PostgreSQL: factors from recorded interactions, the gates, hysteresis."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.ambassadors.candidacy import CandidacySchedule
from application.runtime import Runtime
from domain.ambassadors.candidacy import CandidacyRule
from domain.members import commands as cmd
from projections.ambassadors.candidates import CandidateQueries
from tests.integration.ambassadors.world import (
    DAY,
    RULE,
    STAR_REPLIES,
    T,
    catch_up,
    evaluation,
    in_program,
    interact,
    member,
    praise,
    upheld_incident,
)
from tests.integration.conftest import rows

pytestmark = pytest.mark.integration


def candidates(runtime: Runtime, at: Any, version: str = RULE.version) -> dict[UUID, Any]:
    """The candidates of a run: member id -> (candidate since, factors)."""
    found = rows(
        runtime.database_url,
        "SELECT member_id, candidate_since, factors FROM ambassador_candidates"
        " WHERE rule_version = %s AND evaluated_at = %s",
        [version, at],
    )
    return {row[0]: (row[1], row[2]) for row in found}


def weeks_of(days_before_t: list[float]) -> int:
    """Distinct UTC weeks (Monday first) among these moments, within the 26 weeks to T."""
    monday = T.date() - timedelta(days=T.weekday())
    first = monday - timedelta(weeks=25)
    weeks = {_monday((T - d * DAY).date()) for d in days_before_t if d >= 0}
    return len({w for w in weeks if w >= first})


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def test_a_runs_factors_come_from_what_was_recorded_through_the_application(
    runtime: Runtime,
) -> None:
    star = member(runtime, "star", [*STAR_REPLIES, 40])  # 40 days: out of the window
    interact(runtime, star, "event_attended", "meetup", [2])
    interact(runtime, star, "message", "discord", [-1])  # after T: not counted at T
    praise(runtime, star, 3)
    quiet = runtime.community.join_member(
        cmd.JoinMember(display_name="quiet", joined_at=T - 5 * DAY)
    ).member.id
    catch_up(runtime)

    report = evaluation(runtime).evaluate(T)

    assert (report.examined, report.candidates, report.entered, report.left) == (2, 1, 1, 0)
    (since, why) = candidates(runtime, T)[star]
    assert since == T
    values = {factor: judged["value"] for factor, judged in why.items()}
    assert values == {
        "engagement": 10 * 5.0 + 7.0 + 6.0,  # replies, the event, the praise
        "tenure_days": 200.0,
        "breadth": 3.0,  # discord, meetup, github
        "helpfulness": 10.0,
        "praise_and_feedback": 1.0,
        "events_attended": 1.0,
        "consistency": float(weeks_of([*STAR_REPLIES, 40, 2, 3])),
    }
    assert why["helpfulness"] == {
        "value": 10.0,
        "threshold": 10.0,
        "floor": 9.0,
        "met": True,
        "contribution": 3.0,  # weight 3 x 10 / 10
    }
    assert quiet not in candidates(runtime, T)
    (run,) = rows(
        runtime.database_url,
        "SELECT examined, candidates, rule FROM ambassador_candidacy_runs",
    )
    assert run[:2] == (2, 1) and run[2]["window_days"] == 30
    # The nomination port: the same factors, computed for one member, gates aside.
    now_at_t = evaluation(runtime)
    now_at_t.clock = lambda: T
    snapshot = now_at_t.snapshot(star)
    assert snapshot.rule_version == RULE.version and snapshot.factors == values
    assert now_at_t.snapshot(UUID(int=7)).factors["engagement"] == 0.0


def test_each_gate_keeps_a_member_out_of_the_run(runtime: Runtime) -> None:
    def active(name: str) -> UUID:
        return member(runtime, name, STAR_REPLIES)

    counted = {active("plain"), active("declined"), active("old-incident")}
    counted |= {active("dismissed"), active("incident-after-t")}
    staff, bot, left, erased = (active(n) for n in ("staff", "bot", "left", "erased"))
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=staff))
    runtime.community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=bot))
    runtime.community.mark_member_left(cmd.MarkMemberLeft(member_id=left, left_at=T - DAY))
    runtime.community.erase_member(cmd.EraseMember(member_id=erased))
    program = {status: active(status) for status in ("nominated", "active", "paused")}
    upheld = active("upheld")
    catch_up(runtime)
    by_name = dict(rows(runtime.database_url, "SELECT display_name, member_id FROM members"))
    for status, member_id in program.items():
        in_program(runtime, member_id, status)
    in_program(runtime, by_name["declined"], "declined")
    upheld_incident(runtime, upheld, T - 29 * DAY, "upheld")
    upheld_incident(runtime, by_name["old-incident"], T - 31 * DAY, "upheld")
    upheld_incident(runtime, by_name["dismissed"], T - DAY, "dismissed")
    upheld_incident(runtime, by_name["incident-after-t"], T + DAY, "upheld")

    report = evaluation(runtime).evaluate(T)

    assert set(candidates(runtime, T)) == counted
    assert report.examined == len(counted)


def test_hysteresis_keeps_a_candidate_at_ninety_percent_and_drops_one_below(
    runtime: Runtime,
) -> None:
    star = member(runtime, "star", STAR_REPLIES)  # 10 replies, then 9: exactly 90%
    slipper = member(runtime, "slipper", [29.5, 29.6, *range(1, 9)])  # 10, then 8
    newcomer = member(runtime, "newcomer", list(range(1, 10)))  # 9 all along: never in
    catch_up(runtime)
    job = evaluation(runtime)

    first = job.evaluate(T)
    second = job.evaluate(T + DAY)
    third = job.evaluate(T + 2 * DAY)

    assert set(candidates(runtime, T)) == {star, slipper}
    assert set(candidates(runtime, T + DAY)) == {star}
    assert set(candidates(runtime, T + 2 * DAY)) == {star}
    assert candidates(runtime, T + 2 * DAY)[star][0] == T  # candidate since the first run
    assert (first.entered, second.entered, second.left, third.left) == (2, 0, 1, 0)
    at_floor = candidates(runtime, T + DAY)[star][1]["helpfulness"]
    assert at_floor["value"] == 9.0 and not at_floor["met"]
    assert newcomer not in candidates(runtime, T + 2 * DAY)
    # Another rule version remembers nothing of these runs: at 9 replies, no one enters.
    other = evaluation(runtime, CandidacyRule(**{**vars(RULE), "version": "other"}))
    assert other.evaluate(T + DAY).candidates == 0


def test_as_of_reads_the_latest_run_at_or_before_it_and_a_rerun_replaces(
    runtime: Runtime,
) -> None:
    star = member(runtime, "star", STAR_REPLIES)
    catch_up(runtime)
    job = evaluation(runtime)
    job.evaluate(T)
    job.evaluate(T + DAY)
    again = job.evaluate(T + DAY)  # the same instant: replaced, not doubled
    queries = CandidateQueries(runtime.pool)

    def run_at(as_of: Any) -> Any:
        found = queries.run(RULE.version, as_of)
        return found.evaluated_at if found else None

    assert run_at(T - timedelta(seconds=1)) is None
    assert run_at(T) == T and run_at(T + DAY / 2) == T
    assert run_at(T + DAY) == T + DAY and run_at(None) == T + DAY
    assert again.entered == 0 and again.candidates == 1
    (count,) = rows(runtime.database_url, "SELECT count(*) FROM ambassador_candidacy_runs")
    assert count == (2,)
    assert list(candidates(runtime, T + DAY)) == [star]


def test_the_worker_runs_the_evaluation_when_due_and_not_again_before(
    runtime: Runtime,
) -> None:
    member(runtime, "star", STAR_REPLIES)
    catch_up(runtime)
    schedule = CandidacySchedule(evaluation(runtime), interval_seconds=3600)
    assert schedule.run_if_due()
    schedule.wait(30)
    assert len(rows(runtime.database_url, "SELECT 1 FROM ambassador_candidacy_runs")) == 1
    schedule._next_check = 0.0  # look again at once: the run is recent, nothing is due
    assert not schedule.run_if_due()
    assert not CandidacySchedule(evaluation(runtime), interval_seconds=0).run_if_due()
