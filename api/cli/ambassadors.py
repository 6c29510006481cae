"""`crm ambassadors ...`: the ambassador program's jobs, run by hand (the worker runs them too)."""

from __future__ import annotations

from typing import Annotated

import typer

from api import bootstrap
from api.bootstrap import catch_up_all
from api.cli.common import app, console, load_settings
from api.cli.data import parse_instant
from application.runtime import Runtime
from domain.errors import InvalidField

ambassadors_app = typer.Typer(help="The ambassador program: candidacy evaluation.")
app.add_typer(ambassadors_app, name="ambassadors")


@ambassadors_app.command("evaluate")
def evaluate_candidacy(
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Evaluate as of this date or ISO 8601 time (UTC when no zone); default now.",
        ),
    ] = None,
) -> None:
    """Record a candidacy run: every counted member judged under the configured rule."""
    instant = parse_instant(at, "--at") if at else None
    runtime = Runtime.start(load_settings())
    try:
        catch_up_all(runtime)  # the factors are read from the projections: up to the head
        report = bootstrap.use_cases(runtime).candidacy.evaluate(instant)
    except InvalidField as error:
        raise typer.BadParameter(error.message, param_hint="--at") from None
    finally:
        runtime.close()
    console.print(
        f"{report.examined} members judged as of {report.evaluated_at:%Y-%m-%d %H:%M} UTC"
        f" ({report.rule_version}): {report.candidates} candidates,"
        f" {report.entered} new, {report.left} no longer"
    )
