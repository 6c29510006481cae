"""`crm demo`, `crm import interactions`, `crm evaluate`: putting data in and judging it."""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeGuard, get_args

import typer
from rich.progress import Progress

from api import bootstrap
from api.cli.common import app, console, import_app, load_settings
from api.demo import demo_community
from api.projection_wiring import catch_up_all
from application.interactions.fanout import Fanout, WorkerFailed, serve
from application.interactions.importer import (
    Format,
    detect_format,
    import_interactions,
    write_rejections,
)
from application.members.demo import INTERACTIONS_PER_MEMBER, seed_demo
from application.runtime import Runtime
from application.statistics import IMPORTED_TABLES, refresh_statistics
from projections.positions import head_of_log

DEMO_MEMBERS = 300


@app.command()
def demo(
    members: Annotated[int, typer.Option(min=1, max=2_000_000, help="How many members.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same community).")] = 7,
) -> None:
    """Record a realistic demo community: identities, tags, interactions, two years of joins."""
    runtime = Runtime.start(load_settings())
    try:
        with Progress(console=console) as progress:
            task = progress.add_task("recording members", total=members)
            records = progress.add_task(
                "recording interactions", total=members * INTERACTIONS_PER_MEMBER
            )
            seed_demo(
                runtime.community,
                members,
                seed=seed,
                progress=lambda n: progress.advance(task, n),
                recorded=lambda n: progress.advance(records, n),
            )
        console.print(
            f"{members} members and their interactions recorded; `crm evaluate` judges their"
            " stages once the projections (crm serve or crm worker) have caught up"
        )
    finally:
        runtime.close()


@app.command()
def evaluate(
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Judge as of this date or ISO 8601 time (2026-08-31, 2026-08-31T12:00:00Z,"
            " ...+02:00; UTC when no zone is given); default now."
        ),
    ] = None,
) -> None:
    """Record lifecycle stage changes (at risk, inactive...) as of now or a past date."""
    at = parse_instant(as_of, "--as-of") if as_of else datetime.now(UTC)
    runtime = Runtime.start(load_settings())
    try:
        catch_up_all(runtime)  # evaluations read the projections: up to the head first
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("evaluating members", total=None)
            report = bootstrap.use_cases(runtime).evaluation.evaluate(
                at, progress=lambda n: progress.advance(task, n)
            )
        # The stage changes just recorded are read by the at-risk views: project them now.
        catch_up_all(runtime)
    finally:
        runtime.close()
    console.print(
        f"{report.examined} members judged as of {report.at:%Y-%m-%d %H:%M} UTC"
        f" ({report.rule_version}): {report.changed} changed stage"
    )


def parse_instant(text: str, option: str) -> datetime:
    """An ISO 8601 date or time, as the GraphQL API accepts it; UTC when it has no zone."""
    try:
        parsed = datetime.fromisoformat(text.strip())
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise typer.BadParameter(
            f"{text!r} is not an ISO 8601 date or time; use e.g. 2026-08-31,"
            " 2026-08-31T12:00:00, 2026-08-31T12:00:00Z or 2026-08-31T12:00:00+02:00",
            param_hint=option,
        ) from None


@import_app.command("interactions")
def import_interactions_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="NDJSON or CSV.")],
    file_format: Annotated[
        str | None, typer.Option("--format", help="ndjson or csv (default: by extension).")
    ] = None,
    create_members: Annotated[
        bool, typer.Option(help="Record a new member for each unknown identity.")
    ] = False,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Records per transaction.")] = 1000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=32,
            help="Processes recording an NDJSON file side by side, each the records of"
            " its own members, fed by one reader.",
        ),
    ] = 1,
    restart: Annotated[bool, typer.Option(help="Ignore the checkpoint of an earlier run.")] = False,
) -> None:
    """Record interactions from a file, resumably; each (channel, external_id) counts once."""
    chosen = file_format or detect_format(file)
    if not _is_format(chosen):
        raise typer.BadParameter("use ndjson or csv", param_hint="--format")
    if workers > 1 and chosen != "ndjson":
        # A CSV value may hold a line break, so a CSV file cannot be cut at any line end.
        raise typer.BadParameter(
            "only NDJSON files can be imported in parts", param_hint="--workers"
        )
    runtime = Runtime.start(load_settings())
    try:
        with Progress(console=console) as progress:
            task = progress.add_task(f"importing {file.name}", total=file.stat().st_size or 1)
            if workers == 1:
                ingestion = bootstrap.ingestion(
                    runtime, create_unknown_members=create_members, batch_size=batch
                )
                totals, skipped = import_interactions(
                    ingestion,
                    file,
                    file_format=chosen,
                    restart=restart,
                    progress=lambda done: progress.update(task, completed=done),
                )
            else:
                job = ImportJob(runtime.database_url, create_members, batch)
                fanout = Fanout(
                    multiprocessing.get_context("spawn"), _import_worker, job, workers, batch
                )
                try:
                    totals, skipped = fanout.run(
                        file,
                        restart=restart,
                        progress=lambda done: progress.update(task, completed=done),
                    )
                except WorkerFailed as error:
                    console.print(f"[red]{error}[/red]")
                    raise typer.Exit(1) from None
        if totals.accepted or totals.members_created:
            refresh_statistics(runtime.pool, IMPORTED_TABLES)
    finally:
        runtime.close()
    if skipped:
        console.print(f"{skipped} lines skipped: done by an earlier run")
    console.print(
        f"accepted {totals.accepted}, duplicates {totals.duplicates}, rejected {totals.rejected},"
        f" new members {totals.members_created}"
    )
    if totals.rejections:
        where = write_rejections(file, totals.rejections)
        for rejection in totals.rejections[:10]:
            console.print(f"  line {rejection.line}: {rejection.field or '-'}: {rejection.reason}")
        console.print(f"all listed rejections: {where}")


@dataclass(frozen=True)
class ImportJob:
    """What each import worker process needs; the database is already resolved."""

    database_url: str
    create_members: bool
    batch: int


def _import_worker(job: ImportJob, index: int, inbox: Any, outbox: Any) -> None:
    """One worker process: its own connections, the batches of its members."""
    try:
        settings = load_settings().model_copy(update={"database_url": job.database_url})
        runtime = Runtime.start(settings, migrate=False)
        try:
            ingestion = bootstrap.ingestion(
                runtime, create_unknown_members=job.create_members, batch_size=job.batch
            )
            serve(ingestion, inbox, outbox, index)
        finally:
            runtime.close()
    except Exception as error:  # noqa: BLE001  (told to the reader, which stops the import)
        outbox.put((index, -1, f"{type(error).__name__}: {error}"))
        raise


def seed_if_empty(runtime: Runtime) -> None:
    """Seed the demo community into an empty log, with two years of stage history."""
    if head_of_log(runtime.pool) > 0:
        console.print("the event log is not empty: demo data not seeded again")
        return
    with Progress(console=console, transient=True) as progress:
        members = progress.add_task("seeding demo community", total=DEMO_MEMBERS)
        demo = demo_community(
            runtime, DEMO_MEMBERS, progress=lambda n: progress.advance(members, n)
        )
    console.print(
        f"seeded {demo.members} demo members; {demo.stage_changes} of them have a stage history"
    )


def _is_format(name: str) -> TypeGuard[Format]:
    """Whether the importer reads files of this format (ndjson or csv)."""
    return name in get_args(Format)
