"""The outcome facts kept in each outreach's row (first reply, stage at contact, first
return) are the same whichever projection applies its events first, follow facts that
arrive after the outreach or were recorded before it though they happened after, and
survive a rebuild of any read model they derive from (as do the at-risk rollups)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.lifecycle.stages import Stage
from domain.outreach.outcomes import Outcome, OutreachFacts
from tests.integration.conftest import rows
from tests.integration.outreach.log_helpers import PROJECTIONS, Script, day

pytestmark = pytest.mark.integration
OUTREACH_FIRST = ("outreach_log", "outreach_welcome", "members", "engagement", "lifecycle")


def catch_up(runtime: Runtime, order: tuple[str, ...]) -> None:
    runners = {r.name: r for r in build_runners(runtime) if r.name in PROJECTIONS}
    for name in order:
        runners[name].catch_up()


@pytest.mark.parametrize("order", [PROJECTIONS, OUTREACH_FIRST], ids=["models", "outreach"])
def test_facts_whichever_projection_runs_first(runtime: Runtime, order: tuple[str, ...]) -> None:
    s = Script(runtime)
    early, late, silent = (s.member(n) for n in ("Early", "Late", "Silent"))
    at = day(10, 5)
    # Early's reply and return are recorded before the outreach is (staff logged it late).
    s.stages(early, (day(9, 1), Stage.ACTIVE), (day(10, 1), Stage.AT_RISK))
    s.said(early, at + timedelta(hours=3))
    s.said(early, at + timedelta(hours=1), kind="reaction_received")  # not their doing
    s.stages(early, (at + timedelta(days=2), Stage.ACTIVE))
    s.stages(late, (day(9, 1), Stage.ACTIVE))
    s.said(late, at - timedelta(days=1))
    s.stages(silent, (day(9, 1), Stage.AT_RISK))
    ids = {m: s.reach(m, "at_risk_recovery", at) for m in (early, late, silent)}
    catch_up(runtime, order)
    # Late's reply, and the lifecycle moving them at risk before the outreach, come after.
    s.said(late, at + timedelta(days=5))
    s.said(late, at + timedelta(days=2))
    s.stages(late, (at - timedelta(hours=2), Stage.AT_RISK))
    catch_up(runtime, order)

    facts = s.queries().facts_of(list(ids.values()), 7)
    assert facts[ids[early]] == OutreachFacts(
        at, at + timedelta(hours=3), "at_risk", at + timedelta(days=2)
    )
    assert facts[ids[late]] == OutreachFacts(at, at + timedelta(days=2), "at_risk", None)
    assert facts[ids[silent]] == OutreachFacts(at, None, "at_risk", None)
    found = s.outcomes(reply_days=7, now=at + timedelta(days=30)).outcomes(list(ids.values()))
    assert [found[ids[m]] for m in (early, late, silent)] == [
        Outcome.RETURNED,
        Outcome.REPLIED,
        Outcome.NO_RESPONSE,
    ]


@pytest.mark.parametrize("rebuilt", ["lifecycle", "engagement", "outreach_log"])
def test_a_rebuild_of_a_read_model_keeps_the_facts_and_rollups(
    runtime: Runtime, rebuilt: str
) -> None:
    s = Script(runtime)
    at = day(10, 5)
    ids = []
    for n, ending in enumerate([Stage.ACTIVE, Stage.INACTIVE, None, Stage.RETURNING]):
        member = s.member(f"M{n}")
        changes = [(day(9, 1), Stage.ACTIVE), (day(9, 20 + n), Stage.AT_RISK)]
        if ending is not None:
            changes.append((day(10, 8 + n), ending))
        s.stages(member, *changes)
        s.said(member, at + timedelta(days=n, hours=2))
        if n % 2 == 0:
            ids.append(s.reach(member, "at_risk_recovery", at))
    s.catch_up()
    weeks = [date(2026, 9, 21), date(2026, 9, 28), date(2026, 10, 5)]

    def state() -> tuple[object, ...]:
        queries = s.queries()
        tables = [
            rows(runtime.database_url, f"SELECT * FROM {t} ORDER BY 1, 2, 3")
            for t in ("outreach_risk_spans", "outreach_risk_returns")
        ]
        days = rows(
            runtime.database_url,
            "SELECT * FROM outreach_risk_days WHERE entered <> 0 OR exited <> 0 ORDER BY day",
        )
        now = day(10, 20)
        return (queries.facts_of(ids, 7), queries.not_contacted(weeks, 7, now), tables, days)

    before = state()
    assert before[1].members and before[2][0]
    runner = next(r for r in build_runners(runtime) if r.name == rebuilt)
    runner.reset(replay=True)
    runner.catch_up()
    assert state() == before
