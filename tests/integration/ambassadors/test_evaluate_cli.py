"""`crm ambassadors evaluate [--at]` as an operator types it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.cli.common import app
from application.runtime import Runtime
from tests.integration.ambassadors.world import STAR_REPLIES, T, member
from tests.integration.conftest import rows
from tests.integration.test_cli import crm_env

pytestmark = pytest.mark.integration


def test_evaluate_records_a_run_at_the_instant_given(runtime: Runtime) -> None:
    member(runtime, "star", STAR_REPLIES)
    env = crm_env(runtime.database_url)
    result = CliRunner().invoke(app, ["ambassadors", "evaluate", "--at", T.isoformat()], env=env)
    assert result.exit_code == 0, result.output
    assert "1 members judged" in result.output and "0 candidates" in result.output
    assert rows(runtime.database_url, "SELECT evaluated_at FROM ambassador_candidacy_runs") == [
        (T,)
    ]


@pytest.mark.parametrize(("at", "said"), [("2026-13-01", "ISO 8601"), ("2999-01-01", "future")])
def test_evaluate_refuses_an_instant_it_cannot_judge(runtime: Runtime, at: str, said: str) -> None:
    env = crm_env(runtime.database_url)
    result = CliRunner().invoke(app, ["ambassadors", "evaluate", "--at", at], env=env)
    assert result.exit_code == 2, result.output
    assert "--at" in result.output and said in result.output
    assert rows(runtime.database_url, "SELECT 1 FROM ambassador_candidacy_runs") == []
