"""`crm backtest` as a user types it: a table of rules, JSON for scripts, refusals by option."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from api.cli.common import app, console
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from tests.integration.test_cli import crm_env

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
DAY = timedelta(days=1)
RANGE = ["--from", f"{NOW - 320 * DAY:%Y-%m-%d}", "--to", f"{NOW - 190 * DAY:%Y-%m-%d}"]
RULES = [
    "silent 28 days",
    "silent 28 days, longest first",
    "Orbit-style drift",
    "crowd.dev-style slipping",
]


@pytest.fixture
def community(runtime: Runtime) -> str:
    """A member active every other day until 250 days ago, and one active until today."""
    for name, days in (("stopper", range(250, 700, 2)), ("steady", range(0, 700, 3))):
        member = runtime.community.join_member(
            cmd.JoinMember(display_name=name, joined_at=NOW - 800 * DAY)
        ).member.id
        runtime.community.record_interactions(
            [
                RecordInteraction(
                    member_id=member,
                    channel="github",
                    kind="pull_request",
                    occurred_at=NOW - d * DAY,
                    external_id=f"{name}-{d}",
                )
                for d in days
            ],
            create_unknown_members=False,
        )
    return runtime.database_url


def test_backtest_prints_one_row_per_rule(community: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI's console reads COLUMNS once, when built: in this process it was built at
    # import, under pytest-xdist's COLUMNS=80, so it is widened as COLUMNS=200 would.
    monkeypatch.setattr(console, "_width", 200)
    result = CliRunner().invoke(app, ["backtest", *RANGE], env=crm_env(community, COLUMNS="200"))
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "/1" in line]
    assert [row.split("│")[1].strip() for row in rows] == ["rhythm-2026-12", *RULES]
    assert "19 dates" in result.output


def test_backtest_json_is_the_report_for_scripts(community: str) -> None:
    result = CliRunner().invoke(app, ["backtest", *RANGE, "--json"], env=crm_env(community))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["members_read"], len(report["dates"]), report["every_days"]) == (2, 19, 7)
    stopper_caught = report["references"][0]
    assert [r["name"] for r in report["references"]] == RULES
    assert (stopper_caught["stops"], stopper_caught["stops_caught"]) == (1, 1)
    assert stopper_caught["median_lead_weeks"] < 0  # flagged only once they had gone quiet


@pytest.mark.parametrize(
    ("given", "option", "said"),
    [
        (["--every-days", "0"], "--every-days", "between 1 and 365"),
        (["--horizon-weeks", "105"], "--horizon-weeks", "between 1 and 104"),
        (["--to", f"{NOW:%Y-%m-%d}"], "--to", "horizon"),
        (["--from", "2025-13-01"], "--from", "ISO 8601"),
    ],
)
def test_backtest_refuses_bad_options_by_name(
    database: str, given: list[str], option: str, said: str
) -> None:
    result = CliRunner().invoke(app, ["backtest", *RANGE, *given], env=crm_env(database))
    assert result.exit_code == 2, result.output
    shown = " ".join(result.output.split())
    assert option in shown and said in shown, shown
