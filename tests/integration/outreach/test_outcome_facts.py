"""The outcome facts kept in each outreach's row (first reply, stage at contact, first
return) are the same whichever projection applies its events first, and follow facts that
arrive after the outreach, or were recorded before it though they happened after."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.bootstrap import build_runners
from application.runtime import Runtime
from domain.lifecycle.stages import Stage
from domain.outreach.outcomes import Outcome, OutreachFacts
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
