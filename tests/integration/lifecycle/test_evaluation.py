"""Stage evaluation: at-risk members found with their evidence, idempotently, at any date."""

from __future__ import annotations

import subprocess
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

import psycopg
import pytest

from api.bootstrap import evaluation_schedule, use_cases
from api.projection_wiring import build_runners
from application.interactions.ingestion import Ingestion
from application.lifecycle.evaluation import (
    EVALUATION_LOCK_KEY,
)
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.lifecycle import Stage
from domain.lifecycle.stages import stage_at
from domain.members import commands as cmd
from projections.lifecycle.histories import MemberHistories
from projections.lifecycle.queries import LifecycleQueries
from tests.conftest import test_settings
from tests.integration.conftest import after_recording, rows
from tests.integration.test_cli import crm_command, crm_env

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
DAY = timedelta(days=1)


def catch_up(runtime: Runtime) -> None:
    """Bring every projection to the head of the log."""
    for runner in build_runners(runtime):
        runner.catch_up()


def member_with_messages(runtime: Runtime, name: str, days_ago: list[int]) -> UUID:
    """A member who joined 200 days ago and sent messages on these days."""
    member = runtime.community.join_member(
        cmd.JoinMember(display_name=name, joined_at=NOW - 200 * DAY)
    ).member.id
    runtime.community.record_interactions(
        [
            RecordInteraction(
                member_id=member,
                channel="discord",
                kind="message",
                occurred_at=NOW - d * DAY,
                external_id=f"{name}-{d}",
            )
            for d in days_ago
        ],
        create_unknown_members=False,
    )
    return member


def stages(runtime: Runtime) -> dict[UUID, str]:
    """Each member's current stage in the read model."""
    return dict(rows(runtime.database_url, "SELECT member_id, stage FROM member_stages"))


def test_a_member_going_quiet_is_at_risk_now_but_was_active_then(runtime: Runtime) -> None:
    steady = member_with_messages(runtime, "steady", list(range(0, 150, 3)))
    fading = member_with_messages(runtime, "fading", list(range(35, 150, 2)))
    catch_up(runtime)

    then = use_cases(runtime).evaluation.evaluate(NOW - 40 * DAY)
    catch_up(runtime)
    assert then.changed == 2 and stages(runtime) == {steady: "active", fading: "active"}

    now = use_cases(runtime).evaluation.evaluate(NOW)
    catch_up(runtime)
    assert now.changed == 1 and stages(runtime) == {steady: "active", fading: "at_risk"}
    (evidence,) = rows(
        runtime.database_url,
        "SELECT evidence, reason, rule_version FROM member_stages WHERE member_id = %s",
        (fading,),
    )
    # The evidence recorded on entering the stage: the twenty-first silent day.
    assert evidence[0]["days_silent"] == 21 and evidence[0]["baseline_weekly"] > 0
    assert evidence[0]["usual_gap_days"] == 7 and evidence[0]["silence_limit_days"] == 21
    assert "silent" in evidence[1] and evidence[2] == "rhythm-2026-12"

    again = use_cases(runtime).evaluation.evaluate(NOW)
    assert (again.examined, again.changed) == (2, 0)

    history = rows(
        runtime.database_url,
        "SELECT stage, previous, effective_at, until FROM member_stage_history"
        " WHERE member_id = %s ORDER BY version",
        (fading,),
    )
    # Each stage from the instant it began: joining, the sixth active week, and the
    # twenty-first silent day after the last message, whenever the evaluations ran.
    assert [h[0] for h in history] == ["new", "occasional", "active", "at_risk"]
    assert history[0][2] == NOW - 200 * DAY
    assert history[3][2] == NOW - 35 * DAY + 21 * DAY == history[2][3]
    assert history[3][3] is None


def test_a_quiet_member_who_interacts_again_is_returning(runtime: Runtime) -> None:
    fading = member_with_messages(runtime, "back", list(range(35, 150, 2)))
    catch_up(runtime)
    use_cases(runtime).evaluation.evaluate(NOW - DAY)
    catch_up(runtime)
    assert stages(runtime) == {fading: "at_risk"}
    runtime.community.record_interactions(
        [
            RecordInteraction(
                member_id=fading,
                channel="discord",
                kind="post",
                occurred_at=NOW,
                external_id="back-again",
            )
        ],
        create_unknown_members=False,
    )
    catch_up(runtime)
    assert use_cases(runtime).evaluation.evaluate(NOW).changed == 1
    catch_up(runtime)
    assert stages(runtime) == {fading: "returning"}


def test_staff_bots_and_members_who_left_are_not_judged(runtime: Runtime) -> None:
    staff = member_with_messages(runtime, "staff", list(range(35, 150, 2)))
    gone = member_with_messages(runtime, "gone", list(range(35, 150, 2)))
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=staff))
    runtime.community.mark_member_left(cmd.MarkMemberLeft(member_id=gone))
    catch_up(runtime)
    report = use_cases(runtime).evaluation.evaluate(NOW)
    catch_up(runtime)
    assert (report.examined, report.changed) == (0, 0)
    assert stages(runtime) == {gone: "left"}


def test_stages_are_judged_forward_in_time_only(runtime: Runtime) -> None:
    member = member_with_messages(runtime, "forward", list(range(35, 150, 2)))
    catch_up(runtime)
    use_cases(runtime).evaluation.evaluate(NOW)
    catch_up(runtime)
    assert use_cases(runtime).evaluation.evaluate(NOW - 40 * DAY).changed == 0
    assert stages(runtime) == {member: "at_risk"}


def test_the_schedule_evaluates_alone_and_in_the_background(runtime: Runtime) -> None:
    member = member_with_messages(runtime, "scheduled", list(range(35, 150, 2)))
    catch_up(runtime)
    schedule = evaluation_schedule(runtime, 0.1)
    with psycopg.connect(runtime.database_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (EVALUATION_LOCK_KEY,))
        assert schedule.run_once() is None  # another process is evaluating
    schedule.start()
    try:
        deadline = time.monotonic() + 30
        while member not in stages(runtime):
            assert time.monotonic() < deadline, "the schedule never evaluated"
            catch_up(runtime)
            time.sleep(0.05)
    finally:
        schedule.stop()
    assert stages(runtime) == {member: "at_risk"}


def test_the_configured_rules_are_the_ones_applied(database: str) -> None:
    settings = test_settings(
        database,
        engagement_rule_version="messages-count-ten",
        engagement_weights={"message": 10.0},
        stage_rule_version="lenient",
        stage_min_silence_days=40,
    )
    lenient = Runtime.start(settings)
    try:
        member = member_with_messages(lenient, "ruled", list(range(35, 150, 2)))
        catch_up(lenient)
        report = use_cases(lenient).evaluation.evaluate(NOW)
        catch_up(lenient)
        (row,) = rows(
            database,
            "SELECT stage, rule_version, evidence FROM member_stages WHERE member_id = %s",
            (member,),
        )
    finally:
        lenient.close()
    assert report.rule_version == "lenient"
    # Silent 35 days: at risk under the default rule's 14-day floor, not under a 40-day one.
    assert (row[0], row[1]) == ("active", "lenient")
    # Evidence from when they became active, six weeks in: weights of 10 per message, not 3.
    assert row[2]["baseline_weekly"] > 3


def test_a_return_is_recorded_when_the_interaction_is_processed(runtime: Runtime) -> None:
    quiet = member_with_messages(runtime, "quiet", list(range(35, 150, 2)))
    catch_up(runtime)
    use_cases(runtime).evaluation.evaluate(NOW - DAY)
    catch_up(runtime)
    ingestion = Ingestion(
        runtime.community,
        after_recording(runtime),
        max_json_depth=runtime.settings.max_json_depth,
        create_unknown_members=False,
        batch_size=10,
    )
    ingestion.add(
        1,
        RecordInteraction(
            member_id=quiet, channel="discord", kind="reply", occurred_at=NOW, external_id="back"
        ),
    )
    ingestion.flush()
    catch_up(runtime)
    assert stages(runtime) == {quiet: "returning"}
    (since,) = rows(runtime.database_url, "SELECT since FROM member_stages")
    assert since[0] == NOW
    assert (
        use_cases(runtime).evaluation.evaluate(NOW).changed == 0
    )  # the evaluation agrees: nothing to add


def test_crm_evaluate_leaves_the_new_stages_readable(runtime: Runtime) -> None:
    """After the command, the at-risk views show its verdicts without a worker running."""
    quiet = member_with_messages(runtime, "Quiet", [80, 75, 70, 65, 60, 55, 50, 45, 40])
    env = crm_env(runtime.database_url)
    done = subprocess.run(
        [*crm_command(), "evaluate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert stages(runtime) == {quiet: "at_risk"}


def test_past_dates_evaluated_in_any_order_answer_as_the_rule_does_at_each(
    runtime: Runtime,
) -> None:
    """Import a history, evaluate a few past dates out of order: each as-of list is exact."""
    members = {
        "steady": list(range(0, 180, 3)),
        "stopped": list(range(60, 180, 2)),
        "paused": [*range(100, 180, 2), *range(0, 50, 2)],
        "rare": [170, 120, 40],
    }
    ids = {name: member_with_messages(runtime, name, days) for name, days in members.items()}
    catch_up(runtime)
    dates = [NOW - 10 * DAY, NOW - 75 * DAY, NOW - 45 * DAY, NOW - 100 * DAY, NOW]
    for at in dates:
        use_cases(runtime).evaluation.evaluate(at)
        catch_up(runtime)
    histories = MemberHistories(runtime.pool).histories_of(
        runtime.settings.engagement_rule(), list(ids.values()), NOW
    )
    lifecycle = LifecycleQueries(runtime.pool)
    for at in dates:
        at_risk = {row["member_id"] for row in lifecycle.at_risk(at, None, 10).rows}
        expected = {
            h.member_id
            for h in histories
            if stage_at(runtime.settings.stage_rule(), h, at)[0] is Stage.AT_RISK
        }
        assert at_risk == expected, at
    # The paused member was at risk during their pause, whatever the order of evaluation.
    assert ids["paused"] in {
        row["member_id"] for row in lifecycle.at_risk(NOW - 75 * DAY, None, 10).rows
    }
