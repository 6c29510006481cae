"""`crm backtest`: how well the stage rule would have foretold who stopped, beside simple rules."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from api import bootstrap
from api.cli.common import app, console, load_settings
from api.cli.data import parse_instant
from api.projection_wiring import catch_up_all
from application.lifecycle.backtest import BacktestReport
from application.lifecycle.scoring import RuleScore
from application.runtime import Runtime
from domain.errors import InvalidField
from domain.lifecycle.backtesting import every_days, horizon_weeks

# The option that sets each field a backtest may refuse.
OPTIONS = {
    "from": "--from",
    "to": "--to",
    "every_days": "--every-days",
    "horizon_weeks": "--horizon-weeks",
}


@app.command()
def backtest(
    start: Annotated[
        str, typer.Option("--from", help="First date judged (ISO 8601; UTC when no zone).")
    ],
    end: Annotated[
        str,
        typer.Option("--to", help="Last date judged at most; at least the horizon before now."),
    ],
    every: Annotated[int, typer.Option("--every-days", help="Days between dates (1-365).")] = 7,
    horizon: Annotated[
        int,
        typer.Option("--horizon-weeks", help="Weeks of silence after a date that make a stop."),
    ] = 26,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Replay the community's history and score the stage rule beside simple reference rules."""
    first, last = parse_instant(start, "--from"), parse_instant(end, "--to")
    try:
        spans = every_days(every), horizon_weeks(horizon)
    except InvalidField as error:
        raise _refused(error) from None
    runtime = Runtime.start(load_settings())
    try:
        catch_up_all(runtime)  # the backtest reads the interactions' read model
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("replaying members", total=None)
            report = bootstrap.use_cases(runtime).backtest.run(
                None,
                first,
                last,
                every=spans[0],
                horizon=spans[1],
                progress=lambda n: progress.advance(task, n),
            )
    except InvalidField as error:
        raise _refused(error) from None
    finally:
        runtime.close()
    if as_json:
        typer.echo(json.dumps(_plain(report), indent=2))
        return
    console.print(_table(report))


def _refused(error: InvalidField) -> typer.BadParameter:
    return typer.BadParameter(error.message, param_hint=OPTIONS.get(error.field))


def _table(report: BacktestReport) -> Table:
    schedule = report.schedule
    table = Table(
        title=f"{len(schedule.dates)} dates from {schedule.start:%Y-%m-%d} to"
        f" {schedule.dates[-1]:%Y-%m-%d}, every {schedule.every.days} days;"
        f" stopped = {schedule.horizon.days // 7} weeks silent",
        caption=f"{report.judged} members judged over the dates (regularly active),"
        f" {report.stopped} of them stopped; {report.members} counted members read",
    )
    for column in ("rule", "flagged", "precision", "recall", "F1", "P@10", "P@25"):
        table.add_column(column, justify="left" if column == "rule" else "right")
    table.add_column("lead time (median weeks)", justify="right")
    table.add_column("stops caught", justify="right")
    for score in (report.rule, *report.references):
        table.add_row(*_row(score))
    return table


def _row(score: RuleScore) -> list[str]:
    ratios = (score.precision, score.recall, score.f1, score.precision_at_10)
    return [
        score.name,
        str(score.flagged),
        *(_ratio(value) for value in (*ratios, score.precision_at_25)),
        "-" if score.median_lead_weeks is None else f"{score.median_lead_weeks:+.1f}",
        f"{score.stops_caught}/{score.stops}",
    ]


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _plain(report: BacktestReport) -> dict[str, Any]:
    schedule = report.schedule
    return {
        "from": schedule.start.isoformat(),
        "to": schedule.end.isoformat(),
        "every_days": schedule.every.days,
        "horizon_weeks": schedule.horizon.days // 7,
        "dates": [date.isoformat() for date in schedule.dates],
        "members_read": report.members,
        "judged": report.judged,
        "stopped": report.stopped,
        "rule": asdict(report.rule),
        "references": [asdict(score) for score in report.references],
    }
