"""`crm report --month YYYY-MM --out report.html`: the month's health numbers in one file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from api.bootstrap import use_cases
from api.cli.common import app, console, load_settings
from api.projection_wiring import catch_up_all
from api.report import ReportRequest, monthly_report, render_report
from api.report.builder import DEFAULT_MONTHS, MAX_MONTHS, report_request
from api.report.files import ReportFile
from application.runtime import Runtime
from domain.errors import InvalidField

# The option each refused field came from, so the message names what the user typed.
OPTIONS = {"month": "--month", "channel": "--channel", "as_of": "--as-of", "months": "--months"}


@app.command("report")
def report(
    month: Annotated[str, typer.Option(help="The month, YYYY-MM (not after the current one).")],
    out: Annotated[str, typer.Option(help="The HTML file to write (replaced whole); - stdout.")],
    channel: Annotated[
        str | None, typer.Option(help="One channel's activity (e.g. discord); default all.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(help="The numbers as known at the end of this UTC day, YYYY-MM-DD."),
    ] = None,
    months: Annotated[
        int, typer.Option(min=2, max=MAX_MONTHS, help="Months of the trailing charts.")
    ] = DEFAULT_MONTHS,
) -> None:
    """Write the month's community health report: one HTML file, no script, no personal data."""
    today = datetime.now(UTC).date()
    try:
        request = report_request(month, channel, as_of, months, today)
    except InvalidField as error:
        raise typer.BadParameter(error.message, param_hint=OPTIONS[error.field]) from None
    with _target(out) as target:
        html = _build(request)
        if target is None:
            sys.stdout.write(html)
            return
        try:
            target.commit(html)
        except OSError as error:
            raise typer.BadParameter(
                f"cannot write {out}: {_reason(error)}", param_hint="--out"
            ) from None
    console.print(f"the report of {request.month:%Y-%m} is written to {out}")


def _build(request: ReportRequest) -> str:
    """The report's HTML, read from the projections brought up to the head of the log."""
    runtime = Runtime.start(load_settings())
    try:
        catch_up_all(runtime)  # the numbers are read from the projections
        return render_report(monthly_report(use_cases(runtime), runtime.pool, request))
    except InvalidField as error:
        raise typer.BadParameter(error.message, param_hint=OPTIONS.get(error.field)) from None
    finally:
        runtime.close()


@contextmanager
def _target(out: str) -> Iterator[ReportFile | None]:
    """The file to write (None: stdout), opened before any database work; removed unless
    the report was committed to it."""
    if out == "-":
        yield None
        return
    try:
        target = ReportFile(Path(out))
    except OSError as error:
        raise typer.BadParameter(
            f"cannot write {out}: {_reason(error)}", param_hint="--out"
        ) from None
    with target:
        yield target


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
