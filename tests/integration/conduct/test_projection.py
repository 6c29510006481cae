"""The conduct projection: incidents as decided, standing recomputed, lists by keyset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from api.bootstrap import personal_data
from application.runtime import Runtime
from domain.conduct import Incident, Severity
from domain.conduct.commands import StartConductReview
from projections.conduct.queries import GOOD, IncidentFilter, Standing
from projections.members.queries import MemberFilter, MemberOrder, MemberQueries
from tests.integration.conduct.helpers import Conduct, catch_up, joined, queries
from tests.integration.conftest import members_runner, rows

pytestmark = pytest.mark.integration


def standing(runtime: Runtime, member: UUID) -> Standing:
    return queries(runtime).standings([member])[member]


def test_an_incident_reads_as_decided_with_its_history(runtime: Runtime) -> None:
    conduct, member, reporter = Conduct(runtime), joined(runtime), joined(runtime)
    incident = conduct.report(
        member, "Spam in #general", reporter_id=reporter, evidence_url="https://x.test/m/1"
    )
    conduct.desk.start_review(StartConductReview(incident_id=incident, reviewer_id=conduct.staff))
    until = datetime.now(UTC) + timedelta(days=7)
    conduct.decide(incident, uphold=True, severity="suspension", suspended_until=until)
    catch_up(runtime)

    row = queries(runtime).by_id(incident)
    assert row is not None
    assert (row["description"], row["evidence_url"]) == ("Spam in #general", "https://x.test/m/1")
    assert (row["status"], row["severity"], row["reporter_id"]) == (
        "upheld",
        "suspension",
        reporter,
    )
    assert row["suspended_until"] == until and row["reviewed_by"] == conduct.staff
    history = queries(runtime).history([incident])[incident]
    assert [h["change"] for h in history] == ["reported", "review_started", "upheld"]
    assert standing(runtime, member) == Standing("suspended", until)


def test_standing_takes_a_ban_over_suspensions_and_the_latest_suspension_end(
    runtime: Runtime,
) -> None:
    conduct, member = Conduct(runtime), joined(runtime)
    soon, later = (datetime.now(UTC) + timedelta(days=d) for d in (2, 9))
    for until in (later, soon):
        conduct.decide(
            conduct.report(member), uphold=True, severity="suspension", suspended_until=until
        )
    conduct.decide(conduct.report(member), uphold=True, severity="warning")
    catch_up(runtime)
    assert standing(runtime, member) == Standing("suspended", later)

    ban = conduct.report(member)
    conduct.decide(ban, uphold=True, severity="ban")
    catch_up(runtime)
    assert standing(runtime, member) == Standing("banned", None)

    # Under appeal the ban stays in force; overturned, the suspension is back.
    conduct.appeal(ban)
    catch_up(runtime)
    assert standing(runtime, member) == Standing("banned", None)
    listed, _, _ = queries(runtime).page(IncidentFilter(status="appealed"), 10, None)
    assert [r["incident_id"] for r in listed] == [ban]
    conduct.decide_appeal(ban, "overturned", reason="Wrong person")
    catch_up(runtime)
    assert standing(runtime, member) == Standing("suspended", later)
    (status,) = rows(
        runtime.database_url, "SELECT status FROM conduct_incidents WHERE incident_id = %s", (ban,)
    )
    assert status == ("overturned",)


def test_a_suspension_whose_end_has_passed_reads_good(runtime: Runtime) -> None:
    member = joined(runtime)
    long_ago = datetime.now(UTC) - timedelta(days=30)
    incident = Incident.report(
        member_id=member,
        reporter_id=None,
        channel="forum",
        description="Flame war",
        evidence_url=None,
        reported_at=long_ago,
        now=long_ago,
    )
    staff = joined(runtime, "Staff")
    incident.uphold(
        Severity.SUSPENSION, decided_by=staff, at=long_ago, suspended_until=long_ago + timedelta(1)
    )
    runtime.community.save(incident)
    catch_up(runtime)
    members_runner(runtime).catch_up()
    assert standing(runtime, member) == GOOD
    assert rows(runtime.database_url, "SELECT count(*) FROM member_standing") == [(1,)]
    # The member list reads standing the same way: the ended suspension counts as good.
    listed = MemberQueries(runtime.pool, personal_data(runtime))
    for kind, expected in (("good", True), ("suspended", False), ("banned", False)):
        page = listed.page(MemberFilter(standing=kind), MemberOrder.JOINED_AT_DESC, None, 50)
        assert (member in {r["member_id"] for r in page.rows}) is expected, kind
        assert listed.count(MemberFilter(standing=kind)) == len(page.rows)


def test_a_dismissal_confirmed_on_appeal_leaves_the_member_in_good_standing(
    runtime: Runtime,
) -> None:
    conduct, member = Conduct(runtime), joined(runtime)
    incident = conduct.report(member)
    conduct.decide(incident, uphold=False, reason="Banter between friends")
    conduct.appeal(incident, "It was not banter")
    conduct.decide_appeal(incident, "upheld")
    catch_up(runtime)
    row = queries(runtime).by_id(incident)
    assert row is not None
    assert (row["status"], row["appeal_outcome"]) == ("dismissed", "upheld")
    assert (row["decision_reason"], row["appeal_reason"]) == (
        "Banter between friends",
        "It was not banter",
    )
    assert standing(runtime, member) == GOOD


def test_incidents_page_newest_first_with_filters(runtime: Runtime) -> None:
    conduct, member, other = Conduct(runtime), joined(runtime), joined(runtime)
    now = datetime.now(UTC)
    made = [
        conduct.report(member, f"Incident {n}", reported_at=now - timedelta(hours=n))
        for n in range(5)
    ]
    conduct.report(other, "Someone else")
    conduct.decide(made[1], uphold=True, severity="warning")
    catch_up(runtime)
    found = queries(runtime)
    first, cursors, more = found.page(IncidentFilter(member_id=member), 2, None)
    assert [r["incident_id"] for r in first] == made[:2] and more
    rest, _, more = found.page(IncidentFilter(member_id=member), 10, cursors[-1])
    assert [r["incident_id"] for r in rest] == made[2:] and not more
    warned, _, _ = found.page(IncidentFilter(severity="warning", status="upheld"), 10, None)
    assert [r["incident_id"] for r in warned] == [made[1]]
