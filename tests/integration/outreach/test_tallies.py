"""Effectiveness tallied in SQL equals the domain's figures over the same rows, outreach
by outreach: outreach_outcome (SQL) is derive_outcome (Python), on random facts around
every boundary (the window's end, now, the instant of the outreach itself)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from application.runtime import Runtime
from domain.outreach.effectiveness import DerivedOutreach, effectiveness, ordered
from domain.outreach.outcomes import Outcome, derive_outcome
from domain.outreach.outreach import OutreachPurpose
from tests.integration.outreach.log_helpers import Script

pytestmark = pytest.mark.integration
START = datetime(2026, 6, 1, tzinfo=UTC)
DAYS = 7
INSERT = """
INSERT INTO outreach_log (outreach_id, member_id, staff_id, channel, purpose, at, position,
    recorded_at)
VALUES (%s, %s, %s, %s, %s, %s, 0, now())
"""
# After the insert: its trigger fills the facts from the (empty) read models.
FACTS = """
UPDATE outreach_log SET first_reply_at = %s, stage_at_contact = %s, returned_at = %s
WHERE outreach_id = %s
"""


def around(rng: random.Random, at: datetime) -> datetime | None:
    """None, or an instant near the outreach, its window's end, or anywhere after."""
    choice = rng.randrange(6)
    if choice == 0:
        return None
    if choice == 1:
        return at + rng.choice([timedelta(0), timedelta(microseconds=1), -timedelta(hours=1)])
    if choice == 2:
        return at + timedelta(days=DAYS) + rng.choice([timedelta(0), timedelta(microseconds=1)])
    return at + timedelta(hours=rng.randint(1, 24 * 10))


def test_the_sql_tallies_are_the_domain_figures(runtime: Runtime) -> None:
    rng = random.Random(28)
    members = [uuid.uuid4() for _ in range(25)]
    staff = [uuid.uuid4() for _ in range(3)]
    purposes = ["at_risk_recovery", "at_risk_recovery", "check_in", "welcome"]
    with runtime.pool.connection() as conn:
        for _ in range(300):
            outreach_id = uuid.uuid4()
            at = START + timedelta(days=rng.randint(0, 40), hours=rng.choice([0, 3, 23]))
            row = (rng.choice(members), rng.choice(staff), rng.choice(["discord", "email"]))
            conn.execute(INSERT, (outreach_id, *row, rng.choice(purposes), at))
            stage = rng.choice([None, "active", "at_risk", "at_risk", "inactive"])
            conn.execute(FACTS, (around(rng, at), stage, around(rng, at), outreach_id))
    queries = Script(runtime).queries()
    end = START + timedelta(days=35)
    totals = []
    for now in (START + timedelta(days=30, hours=3), START + timedelta(days=60)):
        facts = queries.facts(START, end, DAYS)
        derived = [
            DerivedOutreach(
                outreach_id=row["outreach_id"],
                member_id=row["member_id"],
                at=f.at,
                purpose=OutreachPurpose(row["purpose"]),
                channel=row["channel"],
                staff_id=row["staff_id"],
                outcome=derive_outcome(f, now=now, reply_days=DAYS),
                stage_at_contact=f.stage_at_contact,
            )
            for row, f in facts
        ]
        for group_by in ("purpose", "channel", "staff"):
            expected = effectiveness(derived, group_by)
            counted = queries.tallies(START, end, group_by, DAYS, now)
            assert ordered(counted.groups) == expected.groups
            assert counted.total == expected.total
            assert counted.weeks == expected.recovery.weeks
            recovery = expected.recovery
            pending = counted.cases.get(Outcome.PENDING, 0)
            assert pending == recovery.pending_contacted
            assert sum(counted.cases.values()) - pending == recovery.contacted.members
            assert counted.cases.get(Outcome.RETURNED, 0) == recovery.contacted.returned
        totals.append(expected.total)
    # Every outcome occurs: pending as of the earlier now, all decided by the later one.
    assert totals[0].pending and not totals[1].pending
    assert all(t.replied and t.returned and t.no_response for t in totals)
