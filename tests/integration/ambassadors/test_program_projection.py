"""The `ambassadors` projection on PostgreSQL: moves, history, erasure, pages, activity, expiry."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from typer.testing import CliRunner

from api.bootstrap import personal_data, program_desk
from api.cli.common import app
from api.projection_wiring import build_runners, projection_worker
from application.ambassadors.expiry import ExpirySchedule
from application.ambassadors.program import ProgramDesk
from application.runtime import Runtime
from domain.ambassadors import IllegalProgramMove
from domain.ambassadors import commands as ac
from domain.ambassadors.candidacy import Factor
from domain.interactions.commands import RecordInteraction
from domain.members import commands as mc
from projections.ambassadors.queries import (
    AmbassadorFilter,
    AmbassadorQueries,
    ContactAccess,
    QuarterActivity,
)
from projections.compaction import ErasureCompactor
from projections.feedback.voice import VoiceRefresh
from tests.integration.conftest import execute, rows, scalar
from tests.integration.members.test_erasure import plaintext_hits, raw_event_hits
from tests.integration.test_cli import crm_env

pytestmark = pytest.mark.integration

PROJECTIONS = ("members", "engagement", "ambassadors")


def project(runtime: Runtime) -> None:
    """The projections these tests read, up to the head of the log."""
    for runner in build_runners(runtime, batch_size=7):  # small pages: records span them
        if runner.name in PROJECTIONS:
            runner.catch_up()


def joined(runtime: Runtime, name: str, email: str | None = None) -> UUID:
    command = mc.JoinMember(display_name=name, email=email)
    return runtime.community.join_member(command).member.id


def queries(runtime: Runtime) -> AmbassadorQueries:
    return AmbassadorQueries(runtime.pool, personal_data(runtime))


def moved_through_the_program(desk: ProgramDesk, member: UUID, by: UUID) -> None:
    """Every move an ambassadorship may make, ending retired."""
    desk.nominate(ac.NominateAmbassador(member_id=member, by=by))
    desk.approve(ac.ApproveAmbassador(member_id=member, by=by, tier="silver"))
    desk.change_tier(ac.ChangeAmbassadorTier(member_id=member, by=by, tier="gold"))
    desk.pause(ac.PauseAmbassador(member_id=member, by=by, reason="parental leave"))
    desk.resume(ac.ResumeAmbassador(member_id=member, by=by))
    desk.renew(ac.RenewAmbassador(member_id=member, by=by))
    desk.retire(ac.RetireAmbassador(member_id=member, by=by, reason="Xyloquent burnout"))


def test_every_move_shows_in_the_row_and_the_history(runtime: Runtime) -> None:
    desk, manager = program_desk(runtime), joined(runtime, "Manager")
    member = joined(runtime, "Ada")
    moved_through_the_program(desk, member, manager)
    project(runtime)
    row = queries(runtime).by_member(member, ContactAccess.NONE)
    assert row is not None
    version = runtime.settings.candidacy_rule().version
    assert (row["status"], row["tier"], row["reason"], row["rule_version"]) == (
        "retired",
        "gold",
        "Xyloquent burnout",
        version,
    )
    assert row["nominated_by"] == manager and row["version"] == 8 and row["since"] is not None
    history = queries(runtime).history(member)
    assert [(h["move"], h["status"], h["tier"]) for h in history] == [
        ("nominate", "nominated", None),
        ("approve", "active", "silver"),
        ("change_tier", "active", "gold"),
        ("pause", "paused", "gold"),
        ("resume", "active", "gold"),
        ("renew", "active", "gold"),
        ("retire", "retired", "gold"),
    ]
    assert {h["actor_id"] for h in history} == {manager}
    assert history[3]["reason"] == "parental leave"
    assert history[5]["term_ends"] - history[1]["term_ends"] == timedelta(days=365)
    # The nomination kept what the candidacy rule saw: every factor, for a new member none.
    assert history[0]["detail"]["ruleVersion"] == version
    factors = history[0]["detail"]["factors"]
    assert set(factors) == {factor.value for factor in Factor}
    assert all(value == 0 for value in factors.values())


def test_erasure_deletes_the_members_reasons(runtime: Runtime) -> None:
    desk, manager = program_desk(runtime), joined(runtime, "Manager")
    erased, kept = joined(runtime, "Erased"), joined(runtime, "Kept")
    moved_through_the_program(desk, erased, manager)
    moved_through_the_program(desk, kept, manager)
    why = f"Zorblat {uuid4().hex[:8]} quarrel"
    desk.nominate(ac.NominateAmbassador(member_id=erased, by=manager))
    desk.decline(ac.DeclineAmbassador(member_id=erased, by=manager, reason=why))
    project(runtime)
    url = runtime.database_url
    held = "SELECT count(*) FROM {} WHERE reason = %s"  # what the scan below must not find
    assert [scalar(url, held.format(t), (why,)) for t in ("ambassadors", "ambassador_history")] == [
        1,
        1,
    ]
    assert raw_event_hits(url, (why,)) == set()  # sealed in the log from the start
    runtime.community.erase_member(mc.EraseMember(member_id=erased))
    project(runtime)
    assert plaintext_hits(url, (why,)) == set()
    reasons = rows(
        runtime.database_url,
        "SELECT member_id, reason FROM ambassadors WHERE reason IS NOT NULL"
        " UNION ALL SELECT member_id, reason FROM ambassador_history WHERE reason IS NOT NULL",
    )
    assert {member for member, _ in reasons} == {kept}
    statuses = rows(
        runtime.database_url, "SELECT status FROM ambassadors WHERE member_id = %s", (erased,)
    )
    assert statuses == [("declined",)]  # the program's facts stay, only the free text goes


def test_pages_follow_the_keyset_and_the_filters(runtime: Runtime) -> None:
    desk, manager = program_desk(runtime), joined(runtime, "Manager")
    members = [joined(runtime, f"M{i}") for i in range(5)]
    for i, member in enumerate(members):
        desk.nominate(ac.NominateAmbassador(member_id=member, by=manager))
        if i % 2 == 0:
            tier = "gold" if i else "silver"
            desk.approve(ac.ApproveAmbassador(member_id=member, by=manager, tier=tier))
    project(runtime)
    q, none = queries(runtime), ContactAccess.NONE
    seen: list[UUID] = []
    after = None
    while True:
        page = q.page(AmbassadorFilter(), 2, after, none)
        seen += [r["member_id"] for r in page.rows]
        if not page.has_next:
            break
        after = page.cursors[-1]
    assert seen == list(reversed(members))  # newest nomination first, each once
    active = q.page(AmbassadorFilter(status="active"), 10, None, none).rows
    assert {r["member_id"] for r in active} == {members[0], members[2], members[4]}
    gold = q.page(AmbassadorFilter(status="active", tier="gold"), 10, None, none).rows
    assert {r["member_id"] for r in gold} == {members[2], members[4]}
    execute(
        runtime.database_url,
        "UPDATE members SET channels = '{discord}' WHERE member_id = %s",
        (members[2],),
    )
    on_discord = q.page(AmbassadorFilter(channel="discord"), 10, None, none).rows
    assert [r["member_id"] for r in on_discord] == [members[2]]


def test_contact_fields_follow_access_and_marketing_consent(runtime: Runtime) -> None:
    desk, manager = program_desk(runtime), joined(runtime, "Manager")
    consenting = joined(runtime, "Yes", "yes@example.org")
    expired = joined(runtime, "Expired", "old@example.org")
    silent = joined(runtime, "No", "no@example.org")
    for member in (consenting, expired, silent):
        desk.nominate(ac.NominateAmbassador(member_id=member, by=manager))
    now = datetime.now(UTC)
    execute(
        runtime.database_url,
        "INSERT INTO member_consents (member_id, purpose, given, source, at, expires_at,"
        " position) VALUES (%s, 'marketing_email', true, 'form', %s, NULL, 1),"
        " (%s, 'marketing_email', true, 'form', %s, %s, 2)",
        (consenting, now, expired, now - timedelta(days=400), now - timedelta(days=1)),
    )
    project(runtime)
    q = queries(runtime)

    def emails(access: ContactAccess) -> dict[UUID, str | None]:
        page = q.page(AmbassadorFilter(), 10, None, access)
        return {r["member_id"]: r["email"] for r in page.rows}

    assert emails(ContactAccess.ALL) == {
        consenting: "yes@example.org",
        expired: "old@example.org",
        silent: "no@example.org",
    }
    assert emails(ContactAccess.CONSENTING) == {
        consenting: "yes@example.org",
        expired: None,
        silent: None,
    }
    assert set(emails(ContactAccess.NONE).values()) == {None}


def test_activity_counts_the_ambassador_kinds_per_calendar_quarter(runtime: Runtime) -> None:
    member = joined(runtime, "Speaker")

    def did(kind: str, at: datetime, n: int) -> RecordInteraction:
        return RecordInteraction(
            member_id=member,
            channel="forum",
            kind=kind,
            occurred_at=at,
            external_id=f"{kind}-{at.isoformat()}-{n}",
        )

    q1, q2 = datetime(2026, 3, 31, 23, 59, tzinfo=UTC), datetime(2026, 4, 1, 0, 1, tzinfo=UTC)
    records = [
        did("talk_given", q1, 0),
        did("content_shared", q1, 0),
        did("content_shared", q1, 1),
        did("referral", q2, 0),
        did("event_hosted", q2, 0),
        did("message", q2, 0),  # not ambassador activity
    ]
    runtime.community.record_interactions(records, create_unknown_members=False)
    project(runtime)
    assert queries(runtime).activity(member) == [
        QuarterActivity(year=2026, quarter=1, talks=1, content=2),
        QuarterActivity(year=2026, quarter=2, referrals=1, events_hosted=1),
    ]
    assert queries(runtime).activity(joined(runtime, "Quiet")) == []


def test_the_expiry_job_ends_unrenewed_terms_once(database: str, runtime: Runtime) -> None:
    desk, manager = program_desk(runtime), joined(runtime, "Manager")
    unrenewed, renewed = joined(runtime, "Unrenewed"), joined(runtime, "Renewed")
    for member in (unrenewed, renewed):
        desk.nominate(ac.NominateAmbassador(member_id=member, by=manager))
        desk.approve(ac.ApproveAmbassador(member_id=member, by=manager, tier="gold"))
    desk.renew(ac.RenewAmbassador(member_id=renewed, by=manager))
    project(runtime)
    at = (datetime.now(UTC) + timedelta(days=366)).isoformat()

    def expire() -> str:
        result = CliRunner().invoke(
            app, ["ambassadors", "expire", "--at", at], env=crm_env(database)
        )
        assert result.exit_code == 0, result.output
        return result.output

    assert "1 ambassador term(s) expired" in expire()
    assert "0 ambassador term(s) expired" in expire()  # a second run changes nothing
    statuses = dict(rows(database, "SELECT member_id, status FROM ambassadors"))
    assert (statuses[unrenewed], statuses[renewed]) == ("expired", "active")
    (move,) = rows(
        database,
        "SELECT move FROM ambassador_history WHERE member_id = %s ORDER BY position DESC LIMIT 1",
        (unrenewed,),
    )
    assert move == ("expire",)


def test_the_worker_expires_terms_even_when_other_maintenance_fails(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def failing(self: object) -> None:
        ran.append(type(self).__name__)
        raise RuntimeError("broken")

    monkeypatch.setattr(ErasureCompactor, "run_if_due", failing)
    monkeypatch.setattr(VoiceRefresh, "run_if_due", failing)
    monkeypatch.setattr(ExpirySchedule, "run_if_due", lambda self: ran.append("expiry"))
    worker = projection_worker(runtime)
    assert worker.maintenance is not None
    with pytest.raises(RuntimeError):  # logged by the worker, which retries later
        worker.maintenance()
    assert ran == ["ErasureCompactor", "VoiceRefresh", "expiry"]


def test_nominations_racing_in_threads_open_one_record(runtime: Runtime) -> None:
    desk, manager, member = (
        program_desk(runtime),
        joined(runtime, "Manager"),
        joined(runtime, "Ada"),
    )
    outcomes: list[str] = []

    def nominate() -> None:
        try:
            desk.nominate(ac.NominateAmbassador(member_id=member, by=manager))
            outcomes.append("nominated")
        except IllegalProgramMove:
            outcomes.append("refused")

    threads = [threading.Thread(target=nominate) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["nominated"] + ["refused"] * 5
    assert desk.get(member).version == 2  # type: ignore[union-attr]  # opened, nominated once
