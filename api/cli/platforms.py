"""`crm import slack|discord|… PATH`: a platform's export, with a report at the end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from api import bootstrap
from api.cli.common import console, import_app, load_settings
from api.importing import import_export
from application.importers.formats import FORMATS, Format
from application.importers.report import ImportReport
from application.runtime import Runtime
from domain.events import CommunityEventNotFound, EventIsCancelled
from domain.importers.records import Position

LISTED_ERRORS = 20


def _command(fmt: Format) -> None:
    """Register `crm import NAME` for one format."""

    def run(
        path: Annotated[Path, typer.Argument(exists=True, help="The export (file or folder).")],
        strict: Annotated[
            bool,
            typer.Option(help="Check everything first; apply nothing and exit 1 on any error."),
        ] = False,
        event: Annotated[
            str | None, typer.Option(help="The community event's id (attendee files).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        event_id = _event_id(event, fmt)
        runtime = Runtime.start(load_settings())
        try:
            cases = bootstrap.use_cases(runtime)
            with _progress(not as_json) as progress:
                task = progress.add_task(f"importing {path.name}", total=None)

                def advance(at: Position) -> None:
                    progress.update(task, advance=1, description=at.file)

                report = import_export(
                    runtime,
                    fmt,
                    path,
                    after_batch=cases.returns,
                    strict=strict,
                    event_id=event_id,
                    attendance=cases.attendance if fmt.needs_event else None,
                    progress=advance,
                )
        except (CommunityEventNotFound, EventIsCancelled) as error:
            raise typer.BadParameter(str(error), param_hint="--event") from None
        finally:
            runtime.close()
        if as_json:
            typer.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        else:
            _print(report)
        if strict and not report.ok:
            raise typer.Exit(1)

    run.__doc__ = f"Import {fmt.reads}; each record once, however often it is imported."
    import_app.command(fmt.name)(run)


def _event_id(event: str | None, fmt: Format) -> UUID | None:
    if event is None:
        if fmt.needs_event:
            raise typer.BadParameter("attendee files need the event's id", param_hint="--event")
        return None
    try:
        return UUID(event)
    except ValueError:
        raise typer.BadParameter(
            f"{event!r} is not an event id (a UUID)", param_hint="--event"
        ) from None


def _progress(visible: bool) -> Progress:
    """A bar with the records read and the file being read, on a terminal only."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} records"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not visible or not console.is_terminal,
    )


def _print(report: ImportReport) -> None:
    summary = Table(title=f"{report.format} import", show_header=False)
    done = report.as_json()
    for label in ("read", "imported", "duplicates", "members_created", "skipped", "failed"):
        summary.add_row(label.replace("_", " "), str(done[label]))
    console.print(summary)
    if report.skipped:
        skipped = Table("skipped because", "records")
        for reason, count in report.skipped.most_common():
            skipped.add_row(reason, str(count))
        console.print(skipped)
    if report.errors:
        errors = Table("file", "place", "why")
        for error in report.errors[:LISTED_ERRORS]:
            errors.add_row(error.at.file, error.at.place, error.reason)
        console.print(errors)
        if report.error_count > LISTED_ERRORS:
            console.print(f"… and {report.error_count - LISTED_ERRORS} more (use --json)")
    if not report.applied:
        console.print("[bold red]--strict: errors found, nothing was applied[/]")


for _format in FORMATS.values():
    _command(_format)
