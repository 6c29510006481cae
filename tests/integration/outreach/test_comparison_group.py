"""The comparison group's count (day rollups of everyone at risk, less the member-weeks
some outreach touched, tested one by one) against the definition, member-week by
member-week, on a random community over several weeks and reply windows."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from application.runtime import Runtime
from domain.lifecycle.stages import Stage
from domain.outreach.effectiveness import NotContacted
from tests.integration.outreach.log_helpers import Script

pytestmark = pytest.mark.integration
BASE = date(2026, 6, 1)  # a Monday
DAYS = 7


def instant(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def by_definition(
    spans: list[tuple[UUID, datetime, datetime | None, bool]],
    outreach: dict[UUID, list[datetime]],
    weeks: list[date],
    now: datetime,
    days: int = DAYS,
) -> NotContacted:
    """Member-weeks counted one by one, as domain/outreach/effectiveness.py defines them."""
    window, cases, returned, pending = timedelta(days=days), 0, 0, 0
    for member, start, until, back in spans:
        for week in weeks:
            starts = instant(week)
            ends = starts + timedelta(days=7)
            if not (start < ends and (until is None or until > starts)):
                continue
            if any(starts - window <= at < ends for at in outreach.get(member, [])):
                continue
            anchor = max(starts, start)
            came_back = back and until is not None and until <= anchor + window
            if came_back:
                returned += 1
            elif anchor + window >= now:
                pending += 1
                continue
            cases += 1
    return NotContacted(cases, returned, pending)


def test_the_set_based_count_is_the_definition(runtime: Runtime) -> None:
    rng = random.Random(16)
    s = Script(runtime)
    spans: list[tuple[UUID, datetime, datetime | None, bool]] = []
    outreach: dict[UUID, list[datetime]] = {}
    now = instant(BASE) + timedelta(days=44, hours=5)
    for k in range(40):
        member = s.member(f"R{k}")
        start = instant(BASE) + timedelta(days=rng.randint(-20, 40), hours=rng.randint(0, 23))
        length = timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 23))
        ending = rng.choice([None, Stage.ACTIVE, Stage.RETURNING, Stage.INACTIVE])
        until = None if ending is None or start + length > now else start + length
        changes = [(start - timedelta(days=30), Stage.ACTIVE), (start, Stage.AT_RISK)]
        if until is not None:
            assert ending is not None
            changes.append((until, ending))
        s.stages(member, *changes)
        back = until is not None and ending in (Stage.ACTIVE, Stage.RETURNING)
        spans.append((member, start, until, back))
        if k % 3 == 0:
            at = instant(BASE) + timedelta(days=rng.randint(-10, 42), hours=3)
            if at < now:
                s.reach(member, "at_risk_recovery" if k % 2 else "check_in", at)
                outreach[member] = [at]
    s.catch_up()
    queries = s.queries()
    for weeks in (
        [BASE + timedelta(weeks=k) for k in range(7)],
        [BASE, BASE + timedelta(weeks=2), BASE + timedelta(weeks=5)],
        [BASE + timedelta(weeks=3)],
    ):
        expected = by_definition(spans, outreach, weeks, now)
        assert queries.not_contacted(weeks, DAYS, now) == expected, weeks
        assert expected.members and expected.pending or len(weeks) < 7
    # The rollups keep return delays in days: any reply window reads the same rollups.
    weeks = [BASE + timedelta(weeks=k) for k in range(7)]
    for days in (1, 3, 12, 30):
        expected = by_definition(spans, outreach, weeks, now, days)
        assert queries.not_contacted(weeks, days, now) == expected, days
