"""`crm export feedback`: the feedback exports to a file, the same bytes as the REST routes."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from rich.progress import Progress

from api.ambassador_export import (
    ReadModelsBehind,
    ambassador_filter,
    exported_csv,
    wait_for_read_models,
)
from api.bootstrap import personal_data, use_cases
from api.cli.common import console, export_app, load_settings
from api.export_params import ParamError, export_filter, feed_position
from application.disclosures import Recipient
from application.runtime import Runtime
from projections.disclosures.ambassadors_export import AmbassadorFilter
from projections.feedback.export import HEADER, ExportFilter, FeedbackExport
from projections.feedback.feed import encode_feed_cursor
from projections.feedback.feed_export import FeedSpan, FeedStream, end_line, entry_line
from projections.feedback.queries import FeedbackQueries
from projections.positions import PositionWatcher

# The role a CLI export is recorded with: the operator holds the database, not an API key.
CLI_ROLE = "cli"


@export_app.command("feedback")
def export_feedback(
    out: Annotated[Path, typer.Option(dir_okay=False, help="The file to write (replaced).")],
    file_format: Annotated[
        str, typer.Option("--format", help="csv (items) or ndjson (the change feed).")
    ] = "csv",
    since: Annotated[
        str | None, typer.Option(help="ndjson: the endCursor of the previous export.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="ndjson: at most about this many changes.")
    ] = None,
    submitted_from: Annotated[
        str | None, typer.Option("--from", help="csv: submitted at or after (ISO 8601).")
    ] = None,
    submitted_to: Annotated[
        str | None, typer.Option("--to", help="csv: submitted before (ISO 8601).")
    ] = None,
    status: Annotated[
        list[str] | None, typer.Option(help="csv: only these statuses (repeat).")
    ] = None,
    product_area: Annotated[
        list[str] | None, typer.Option(help="csv: only these product areas (repeat).")
    ] = None,
) -> None:
    """Write feedback items as CSV, or the change feed from a cursor as NDJSON."""
    if file_format not in ("csv", "ndjson"):
        raise typer.BadParameter("use csv or ndjson", param_hint="--format")
    try:
        after = feed_position(since)
        where = export_filter(submitted_from, submitted_to, status, product_area)
    except ParamError as error:
        raise typer.BadParameter(error.reason, param_hint=f"--{error.param}") from None
    runtime = Runtime.start(load_settings())
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("wb") as target:
            if file_format == "csv":
                written = _csv(runtime, where, target)
                message = f"{written} items written to {out}"
            else:
                written, cursor = _ndjson(runtime, after, limit, target)
                message = f"{written} changed items written to {out}; next cursor:"
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
        runtime.close()
    console.print(message)
    if file_format == "ndjson":
        print(cursor)


def _csv(runtime: Runtime, where: ExportFilter, target: BinaryIO) -> int:
    """The CSV export into the file, page by page; how many items."""
    export = FeedbackExport(runtime.pool, personal_data(runtime))
    written = 0
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("exporting feedback", total=export.count(where))
        target.write(HEADER)
        for page in export.pages(where):
            target.write(page.data)
            written += page.rows
            progress.advance(task, page.rows)
    return written


def _ndjson(runtime: Runtime, after: int, limit: int | None, target: BinaryIO) -> tuple[int, str]:
    """The change feed after the position into the file; how many items, and the next cursor."""
    stream = FeedStream(runtime.pool, FeedbackQueries(runtime.pool, personal_data(runtime)))
    span: FeedSpan = stream.span(after, limit)
    cursor = encode_feed_cursor(span.end)
    written = 0
    with Progress(console=console, transient=True) as progress:
        # Progress in log positions: entries come in commit order.
        task = progress.add_task("exporting the feedback feed", total=span.end - span.after)
        for entry in stream.entries(span):
            target.write(entry_line(entry))
            written += 1
            progress.update(task, completed=entry.position - span.after)
        target.write(end_line(cursor, span.has_more))
    return written, cursor


@export_app.command("ambassadors")
def export_ambassadors(
    out: Annotated[Path, typer.Option(dir_okay=False, help="The file to write (replaced).")],
    tier: Annotated[str | None, typer.Option(help="Only ambassadors of this tier.")] = None,
    channel: Annotated[str | None, typer.Option(help="Only members on this channel.")] = None,
    status: Annotated[str | None, typer.Option(help="A program status (default: active).")] = None,
    operator: Annotated[
        str | None,
        typer.Option(help="Who receives the file, as recorded (default: your login name)."),
    ] = None,
) -> None:
    """Write consenting ambassadors as CSV for marketing, recorded as a disclosure first."""
    try:
        where = ambassador_filter(status, tier, channel)
    except ParamError as error:
        raise typer.BadParameter(error.reason, param_hint=f"--{error.param}") from None
    recipient = Recipient(f"cli:{operator or getpass.getuser()}", CLI_ROLE)
    runtime = Runtime.start(load_settings())
    partial = out.with_name(out.name + ".partial")
    try:
        try:
            wait_for_read_models(runtime, PositionWatcher(runtime.pool))
        except ReadModelsBehind as behind:
            console.print(f"[red]{behind}[/red] (is `crm worker` or `crm serve` running?)")
            raise typer.Exit(1) from None
        with partial.open("wb") as target:
            written = _ambassadors(runtime, recipient, where, target)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
        runtime.close()
    console.print(f"{written} ambassadors written to {out}; the export is recorded")


def _ambassadors(
    runtime: Runtime, recipient: Recipient, where: AmbassadorFilter, target: BinaryIO
) -> int:
    """The export into the file; how many ambassadors (as recorded)."""
    counted: list[int] = []
    log = use_cases(runtime).disclosures
    chunks = exported_csv(runtime, log, recipient, where, runtime.community.clock(), counted.append)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("exporting ambassadors", total=None)
        for chunk in chunks:
            target.write(chunk)
            progress.update(task, total=counted[0] if counted else None, advance=chunk.count(b"\n"))
    return counted[0] if counted else 0
