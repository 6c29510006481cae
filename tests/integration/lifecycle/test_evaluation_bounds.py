"""Evaluations and simulations refuse an instant outside the accepted span, by type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.bootstrap import use_cases
from application.runtime import Runtime
from domain.lifecycle.rule import StageRule
from domain.moments import MomentInTheFuture, MomentTooEarly

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("at", [datetime(1, 1, 1, tzinfo=UTC), datetime(1900, 1, 1, tzinfo=UTC)])
def test_an_instant_before_the_earliest_date_is_refused(runtime: Runtime, at: datetime) -> None:
    with pytest.raises(MomentTooEarly) as refused:
        use_cases(runtime).evaluation.evaluate(at)
    assert refused.value.field == "as_of"
    with pytest.raises(MomentTooEarly):
        use_cases(runtime).simulation.simulate(StageRule(version="draft"), at)


def test_an_instant_in_the_future_is_refused(runtime: Runtime) -> None:
    later = datetime.now(UTC) + timedelta(days=30)
    with pytest.raises(MomentInTheFuture):
        use_cases(runtime).evaluation.evaluate(later)
    with pytest.raises(MomentInTheFuture):
        use_cases(runtime).simulation.simulate(StageRule(version="draft"), later)
