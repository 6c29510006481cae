"""Outcomes derived from the read models at the window's boundaries, effectiveness on a
small scripted community against hand-computed figures, and erasure of the note."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from application.runtime import Runtime
from domain.errors import MemberIsErased, MemberNotFound
from domain.lifecycle.stages import Stage
from domain.members import commands as mc
from domain.outreach.effectiveness import Side
from domain.outreach.outcomes import Outcome
from domain.outreach.outreach import NotStaff, OutreachToSelf
from tests.integration.conftest import rows
from tests.integration.members.test_erasure import plaintext_hits, raw_event_hits
from tests.integration.outreach.log_helpers import Script, day

pytestmark = pytest.mark.integration


def test_a_reply_on_day_n_counts_and_on_day_n_plus_one_does_not(runtime: Runtime) -> None:
    script = Script(runtime)
    on_time, late, silent = (script.member(n) for n in ("On time", "Late", "Silent"))
    at = day(10, 5)
    ids = {m: script.reach(m, "check_in", at) for m in (on_time, late, silent)}
    script.said(on_time, at + timedelta(days=7))
    script.said(late, at + timedelta(days=8))
    script.said(silent, at - timedelta(hours=1))  # before the outreach: no reply
    script.catch_up()

    found = script.outcomes(reply_days=7).outcomes(list(ids.values()))
    assert found[ids[on_time]] is Outcome.REPLIED
    assert found[ids[late]] is Outcome.NO_RESPONSE
    assert found[ids[silent]] is Outcome.NO_RESPONSE
    # As of day 3 none has replied yet: all PENDING. A wider window counts the late reply.
    early = script.outcomes(reply_days=7, now=at + timedelta(days=3)).outcomes(list(ids.values()))
    assert [early[ids[m]] for m in (on_time, late, silent)] == [Outcome.PENDING] * 3
    assert script.outcomes(reply_days=8).outcomes([ids[late]])[ids[late]] is Outcome.REPLIED


def test_effectiveness_with_the_not_contacted_comparison(runtime: Runtime) -> None:
    """The week of Monday 7 September 2026, reply window 7 days (see each member)."""
    s = Script(runtime)
    a, b, c, d, e, f, g, h, i, j, n = (s.member(x) for x in "ABCDEFGHIJN")
    # Contacted for at-risk recovery on Tuesday 8 September; A comes back, B does not.
    s.stages(a, (day(9, 1), Stage.AT_RISK), (day(9, 10), Stage.ACTIVE))
    s.said(a, day(9, 10))
    s.stages(b, (day(9, 1), Stage.AT_RISK))
    s.reach(a, "at_risk_recovery", day(9, 8))
    s.reach(b, "at_risk_recovery", day(9, 8), channel="email")
    # Not contacted, at risk that week: C returns within 7 days of the week's start, D stays,
    # E returns too late (20 Sept), F enters mid-week (10 Sept) and returns a day too late.
    s.stages(c, (day(9, 3), Stage.AT_RISK), (day(9, 9), Stage.RETURNING))
    s.stages(d, (day(9, 5), Stage.AT_RISK))
    s.stages(e, (day(9, 1), Stage.AT_RISK), (day(9, 20), Stage.ACTIVE))
    s.stages(f, (day(9, 10), Stage.AT_RISK), (day(9, 18), Stage.ACTIVE))
    # At risk but checked in with that week (G replies) or four days before it (J): not
    # comparable. H is active, checked in, silent. I's risk ended before the week.
    s.stages(g, (day(9, 1), Stage.AT_RISK))
    s.reach(g, "check_in", day(9, 8))
    s.said(g, day(9, 9))
    s.stages(j, (day(9, 1), Stage.AT_RISK))
    s.reach(j, "check_in", day(9, 3))
    s.stages(h, (day(8, 1), Stage.ACTIVE))
    s.reach(h, "check_in", day(9, 8))
    s.stages(i, (day(8, 20), Stage.AT_RISK), (day(9, 2), Stage.ACTIVE))
    # A newcomer welcomed, who answers an hour later.
    s.reach(n, "welcome", day(9, 8))
    s.said(n, day(9, 8, 11))
    s.catch_up()

    start, end = day(9, 1, 0), day(9, 15, 0)
    found = s.outcomes(reply_days=7).effectiveness(start, end, "purpose")
    groups = {g.key: g for g in found.groups}
    assert [g.key for g in found.groups] == ["check_in", "at_risk_recovery", "welcome"]
    recovery, check_in, welcome = groups["at_risk_recovery"], groups["check_in"], groups["welcome"]
    assert (recovery.contacted, recovery.returned, recovery.no_response) == (2, 1, 1)
    assert (recovery.reply_rate, recovery.return_rate) == (0.5, 0.5)
    # G replied; H and J did not. G and J were at risk: neither returned.
    assert (check_in.contacted, check_in.replied, check_in.no_response) == (3, 1, 2)
    assert check_in.reply_rate == pytest.approx(1 / 3)
    assert check_in.return_rate == 0.0
    assert (welcome.contacted, welcome.reply_rate, welcome.return_rate) == (1, 1.0, None)
    assert (found.total.contacted, found.total.members, found.total.reply_rate) == (6, 6, 0.5)

    comparison = found.recovery
    assert comparison.weeks == (date(2026, 9, 7),)
    assert comparison.contacted == Side(members=2, returned=1)
    # C, D, E and F: only C came back within 7 days of their anchor.
    assert comparison.not_contacted == Side(members=4, returned=1)
    assert comparison.not_contacted.return_rate == 0.25
    assert (comparison.pending_contacted, comparison.pending_not_contacted) == (0, 0)

    by_channel = s.outcomes(reply_days=7).effectiveness(start, end, "channel")
    assert {(g.key, g.contacted) for g in by_channel.groups} == {("discord", 5), ("email", 1)}
    by_staff = s.outcomes(reply_days=7).effectiveness(start, end, "staff")
    assert [(g.key, g.contacted) for g in by_staff.groups] == [(str(s.staff), 6)]


def test_the_comparison_case_still_in_its_window_is_pending(runtime: Runtime) -> None:
    s = Script(runtime)
    contacted, other = s.member("Contacted"), s.member("Other")
    now = datetime.now(UTC)
    s.stages(contacted, (now - timedelta(days=3), Stage.AT_RISK))
    s.stages(other, (now - timedelta(days=3), Stage.AT_RISK))
    s.reach(contacted, "at_risk_recovery", now - timedelta(days=1))
    s.catch_up()
    found = s.outcomes(reply_days=7).effectiveness(now - timedelta(days=8), now, "purpose")
    assert found.groups[0].pending == 1 and found.groups[0].reply_rate is None
    assert found.recovery.contacted == Side(0, 0) and found.recovery.pending_contacted == 1
    assert found.recovery.not_contacted == Side(0, 0)
    assert found.recovery.pending_not_contacted == 1


def test_erasure_makes_the_note_unreadable(runtime: Runtime) -> None:
    s = Script(runtime)
    member = s.member("Vexholm")
    mark = uuid.uuid4().hex[:10]
    secret = f"Talked about her burnout {mark}"
    outreach = s.reach(member, "check_in", day(11, 2), note=secret)
    s.catch_up()
    url = runtime.database_url
    assert raw_event_hits(url, (secret,)) == set()
    assert all(
        mark.encode() not in bytes(v) for (v,) in rows(url, "SELECT sealed_note FROM outreach_log")
    )
    before = s.queries().by_id(outreach, reveal=True)
    assert before is not None and before["note"] == secret
    hidden = s.queries().by_id(outreach, reveal=False)
    assert hidden is not None and hidden["note"] is None

    runtime.community.erase_member(mc.EraseMember(member_id=member))
    s.catch_up()

    after = s.queries().by_id(outreach, reveal=True)
    assert after is not None and after["note"] is None and after["member_erased"]
    assert rows(url, "SELECT sealed_note FROM outreach_log") == [(None,)]
    assert plaintext_hits(url, (secret,)) == set()
    # The outreach still counts.
    found = s.outcomes().effectiveness(day(11, 1), day(11, 3), "purpose")
    assert found.total.contacted == 1


def test_the_desk_refuses_what_the_log_cannot_hold(runtime: Runtime) -> None:
    s = Script(runtime)
    member, other = s.member("Member"), s.member("Other")
    with pytest.raises(NotStaff):
        s.reach(member, "check_in", day(11, 2), staff_id=other)
    with pytest.raises(OutreachToSelf):
        s.reach(s.staff, "check_in", day(11, 2))
    with pytest.raises(MemberNotFound):
        s.reach(uuid.uuid4(), "check_in", day(11, 2))
    runtime.community.erase_member(mc.EraseMember(member_id=other))
    with pytest.raises(MemberIsErased):
        s.reach(other, "check_in", day(11, 2))
    assert rows(
        runtime.database_url,
        "SELECT count(*) FROM community_events WHERE topic LIKE 'crm.outreach%%'",
    ) == [(0,)]
