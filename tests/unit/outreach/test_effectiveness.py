"""Effectiveness figures against hand-computed values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.outreach.effectiveness import (
    DerivedOutreach,
    NotContacted,
    Side,
    compare_recovery,
    effectiveness,
    recovery_weeks,
    week_of,
)
from domain.outreach.outcomes import Outcome
from domain.outreach.outreach import OutreachPurpose as P

MONDAY = datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday
ANA, BEN = uuid4(), uuid4()
M = [uuid4() for _ in range(6)]


def made(
    member: UUID,
    purpose: P,
    outcome: Outcome,
    *,
    stage: str | None = "active",
    days: int = 0,
    channel: str = "discord",
    staff: UUID = ANA,
) -> DerivedOutreach:
    return DerivedOutreach(
        uuid4(), member, MONDAY + timedelta(days=days), purpose, channel, staff, outcome, stage
    )


LOG = [
    made(M[0], P.WELCOME, Outcome.REPLIED),
    made(M[1], P.WELCOME, Outcome.NO_RESPONSE, channel="slack"),
    made(M[2], P.WELCOME, Outcome.PENDING, staff=BEN),
    made(M[3], P.AT_RISK_RECOVERY, Outcome.RETURNED, stage="at_risk"),
    made(M[4], P.AT_RISK_RECOVERY, Outcome.NO_RESPONSE, stage="at_risk", staff=BEN),
    made(M[5], P.AT_RISK_RECOVERY, Outcome.REPLIED, stage="inactive", days=8),
    made(M[3], P.AT_RISK_RECOVERY, Outcome.REPLIED, stage="at_risk", days=2),
]


def test_figures_per_purpose() -> None:
    found = {g.key: g for g in effectiveness(LOG, "purpose").groups}
    welcome, recovery = found["welcome"], found["at_risk_recovery"]
    # welcome: 3 contacted, 1 pending; decided 2, of which 1 replied: 1/2.
    assert (welcome.contacted, welcome.members, welcome.pending) == (3, 3, 1)
    assert welcome.reply_rate == 0.5
    assert welcome.return_rate is None  # nobody lapsed
    # recovery: 4 outreach to 3 members, none pending; replied or returned: 3 of 4;
    # returned 1 of the 4 decided outreach to lapsed members.
    assert (recovery.contacted, recovery.members, recovery.replied) == (4, 3, 2)
    assert (recovery.returned, recovery.no_response) == (1, 1)
    assert recovery.reply_rate == 0.75
    assert recovery.return_rate == 0.25


def test_groups_by_channel_and_staff_and_the_total() -> None:
    by_channel = effectiveness(LOG, "channel")
    assert [(g.key, g.contacted) for g in by_channel.groups] == [("discord", 6), ("slack", 1)]
    by_staff = {g.key: g for g in effectiveness(LOG, "staff").groups}
    assert by_staff[str(BEN)].contacted == 2 and by_staff[str(BEN)].pending == 1
    assert by_staff[str(BEN)].reply_rate == 0.0  # its one decided outreach had no response
    total = by_channel.total
    assert (total.contacted, total.members, total.decided) == (7, 6, 6)
    assert total.reply_rate == pytest.approx(4 / 6)


def test_the_comparison_counts_contacted_member_weeks_beside_the_others() -> None:
    week = week_of(MONDAY)
    found = compare_recovery(LOG, NotContacted(members=10, returned=2, pending=3))
    # Contacted while at risk in week 1: M3 (first outreach: RETURNED; its second that week
    # is not a second case) and M4 (NO_RESPONSE). M5 was inactive (not at risk): no case, and
    # week 2 then has no contacted case: it is not a week compared.
    assert found.weeks == (week,) and recovery_weeks(LOG) == [week]
    assert found.contacted == Side(members=2, returned=1)
    assert found.contacted.return_rate == 0.5
    assert found.not_contacted == Side(members=10, returned=2)
    assert found.not_contacted.return_rate == 0.2
    assert (found.pending_contacted, found.pending_not_contacted) == (0, 3)


def test_a_pending_contacted_case_is_left_out_of_the_rate() -> None:
    log = [made(M[0], P.AT_RISK_RECOVERY, Outcome.PENDING, stage="at_risk")]
    found = compare_recovery(log)
    assert found.contacted == Side(0, 0) and found.contacted.return_rate is None
    assert found.pending_contacted == 1


def test_weeks_start_on_monday() -> None:
    assert week_of(datetime(2026, 11, 8, 23, tzinfo=UTC)) == date(2026, 11, 2)
    assert week_of(date(2026, 11, 9)) == date(2026, 11, 9)


def test_an_unknown_grouping_is_refused() -> None:
    with pytest.raises(ValueError, match="groupBy"):
        effectiveness(LOG, "mood")
