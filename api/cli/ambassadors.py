"""`crm ambassadors ...`: the program's jobs, run by hand (the worker runs them when due)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from api import bootstrap
from api.cli.common import app, console, load_settings
from api.cli.data import parse_instant
from api.projection_wiring import catch_up_all
from application.runtime import Runtime
from domain.errors import InvalidField

ambassadors_app = typer.Typer(help="The ambassador program: candidacy evaluation, term expiry.")
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


@ambassadors_app.command("expire")
def expire(
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Expire the terms that ended by this ISO 8601 time (UTC when no zone);"
            " default now.",
        ),
    ] = None,
) -> None:
    """End every active or paused ambassador's term that ended unrenewed."""
    now = parse_instant(at, "--at") if at else datetime.now(UTC)
    runtime = Runtime.start(load_settings())
    try:
        catch_up_all(runtime)  # due terms are found in the `ambassadors` projection
        expired = bootstrap.program_desk(runtime).expire_due(now)
        catch_up_all(runtime)  # and the expiries shown there at once
    finally:
        runtime.close()
    console.print(f"{expired} ambassador term(s) expired as of {now:%Y-%m-%d %H:%M} UTC")
