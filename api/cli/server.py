"""`crm serve`, `worker`, `migrate`, `project`, `status`, `export-schema`: running it."""

from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.progress import Progress, TaskID
from rich.table import Table

from api.auth import Role
from api.cli.common import app, console, load_settings
from api.cli.data import seed_if_empty
from api.evaluation import EvaluationSchedule
from application.migrations import apply_migrations
from application.runtime import Runtime, resolve_database
from application.statistics import refresh_statistics
from projections.compaction import pending_compactions
from projections.engine import ProjectionWorker
from projections.positions import head_of_log, lags
from projections.registry import build_runners, erasure_compactor, projection_names

# Rebuilds read big pages: fewer round trips, and set-based applies gain the most.
REBUILD_BATCH = 20_000
ALL = "all"
PROGRESS_SECONDS = 0.5


@app.command()
def serve(
    demo: Annotated[
        bool, typer.Option(help="Seed a demo community and print an admin key.")
    ] = False,
    host: Annotated[str | None, typer.Option(help="Address to bind (default CRM_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default CRM_PORT).")] = None,
    projections: Annotated[
        bool, typer.Option(help="Run projections in this process (else use `crm worker`).")
    ] = True,
) -> None:
    """Start the API (GraphQL at /graphql), on the embedded database unless configured."""
    from api.app import create_app
    from api.services import Services

    settings = load_settings()
    # uvicorn re-raises SIGTERM once it has shut down; exit normally then, so that the
    # embedded database is stopped cleanly below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    runtime = Runtime.start(settings)
    services = Services.build(runtime, run_projections=projections)
    # Where projections run, stage evaluations run too (they read the projections).
    schedule = EvaluationSchedule(
        runtime, settings.evaluation_interval_seconds if projections else 0
    )
    schedule.start()
    try:
        bind_host, bind_port = host or settings.host, port or settings.port
        if demo:
            seed_if_empty(runtime)
            issued = services.api_keys.create(name="demo-admin", role=Role.ADMIN)
            console.print(f"[bold]GraphiQL:[/bold] http://{bind_host}:{bind_port}/graphql")
            console.print(f"[bold]Admin API key:[/bold] {issued.secret}")
            console.print("Send it as the header  Authorization: Bearer <key>")
        uvicorn.run(
            create_app(settings, services=services),
            host=bind_host,
            port=bind_port,
            log_level=settings.log_level,
        )
    finally:
        schedule.stop()
        services.close()


@app.command()
def migrate() -> None:
    """Apply pending SQL migrations (also done at every start)."""
    database_url, embedded = resolve_database(load_settings())
    try:
        applied = apply_migrations(database_url)
    finally:
        if embedded:
            embedded.stop()
    console.print(f"applied: {', '.join(applied)}" if applied else "database is up to date")


@app.command()
def worker() -> None:
    """Run the projections in the foreground until stopped (SIGINT or SIGTERM)."""
    settings = load_settings()
    runtime = Runtime.start(settings)
    follower = ProjectionWorker(
        runtime.database_url,
        build_runners(runtime),
        poll_seconds=settings.projection_poll_seconds,
        maintenance=erasure_compactor(runtime).run_if_due,
    )
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: follower.stopping.set())
    schedule = EvaluationSchedule(runtime, settings.evaluation_interval_seconds)
    console.print(f"projecting {', '.join(projection_names())}; Ctrl-C stops")
    schedule.start()
    try:
        follower.run()
    finally:
        schedule.stop()
        runtime.close()


@app.command()
def project(
    rebuild: Annotated[
        str,
        typer.Option(help="Projection to rebuild from the start of the log, or `all`."),
    ],
) -> None:
    """Rebuild a projection (or all, side by side): empty its tables and replay the log."""
    names = projection_names() if rebuild == ALL else [rebuild]
    if rebuild != ALL and rebuild not in projection_names():
        raise typer.BadParameter(
            f"unknown projection {rebuild!r}; known: {ALL}, {', '.join(projection_names())}",
            param_hint="--rebuild",
        )
    runtime = Runtime.start(load_settings())
    try:
        head = head_of_log(runtime.pool)
        started = time.monotonic()
        if len(names) == 1:
            _rebuild_here(runtime, names[0], head)
        else:
            _rebuild_side_by_side(runtime, names, head)
        seconds = time.monotonic() - started
    finally:
        runtime.close()
    rate = head / seconds if seconds > 0 else 0.0
    console.print(
        f"{', '.join(names)} rebuilt up to notification {head} in {seconds:.1f} s"
        f" ({rate:,.0f} events/s)"
    )


def _rebuild_here(runtime: Runtime, name: str, head: int) -> None:
    """Rebuild one projection in this process, with a progress bar."""
    runner = next(r for r in build_runners(runtime) if r.name == name)
    runner.reset(replay=True)
    with Progress(console=console) as progress:
        task = progress.add_task(f"rebuilding {name}", total=head or 1)
        while consumed := runner.run_page(REBUILD_BATCH):
            progress.advance(task, consumed)
        progress.update(task, completed=head or 1)
    refresh_statistics(runtime.pool, runner.projection.tables)


def _rebuild_side_by_side(runtime: Runtime, names: list[str], head: int) -> None:
    """Rebuild each projection in a process of its own, showing their positions."""
    # Spawned, not forked: this process holds a connection pool and its threads.
    context = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(len(names), mp_context=context) as pool,
        Progress(console=console) as progress,
    ):
        rebuilds = [pool.submit(rebuild_projection, runtime.database_url, n) for n in names]
        tasks = {n: progress.add_task(f"rebuilding {n}", total=head or 1) for n in names}
        while wait(rebuilds, timeout=PROGRESS_SECONDS).not_done:
            _show_positions(runtime, progress, tasks)
        for rebuilt in rebuilds:
            rebuilt.result()  # a failed rebuild fails the command
        _show_positions(runtime, progress, tasks)


def _show_positions(runtime: Runtime, progress: Progress, tasks: dict[str, TaskID]) -> None:
    for lag in lags(runtime.pool, list(tasks)):
        progress.update(tasks[lag.name], completed=min(lag.position, lag.head))


def rebuild_projection(database_url: str, name: str) -> int:
    """Reset one projection and replay the whole log into it; runs in a worker process."""
    settings = load_settings().model_copy(update={"database_url": database_url})
    runtime = Runtime.start(settings, migrate=False)
    try:
        runner = next(r for r in build_runners(runtime) if r.name == name)
        runner.reset(replay=True)
        consumed = runner.catch_up(REBUILD_BATCH)
        refresh_statistics(runtime.pool, runner.projection.tables)
        return consumed
    finally:
        runtime.close()


@app.command()
def status() -> None:
    """Show each projection's position and lag behind the log."""
    runtime = Runtime.start(load_settings())
    try:
        table = Table("projection", "position", "head of log", "lag", "rule")
        for lag in lags(runtime.pool, projection_names()):
            row = (lag.name, str(lag.position), str(lag.head), str(lag.behind))
            table.add_row(*row, lag.rule_version or "-")
        console.print(table)
        waiting, since = pending_compactions(runtime.pool)
        if waiting:
            console.print(
                f"erasures waiting for compaction: {waiting}, the oldest erased at"
                f" {since:%Y-%m-%d %H:%M:%S %Z}; the projection worker rewrites their tables"
                f" {runtime.settings.erasure_compaction_seconds:.0f} s after it"
            )
        else:
            console.print("erasures waiting for compaction: none")
    finally:
        runtime.close()


@app.command("export-schema")
def export_schema(
    check: Annotated[bool, typer.Option(help="Fail if the committed file differs.")] = False,
) -> None:
    """Write the GraphQL schema to api/schema.graphql (the reviewed API contract)."""
    from api.graphql.schema import SCHEMA_FILE, schema_sdl

    sdl = schema_sdl()
    if check:
        if not SCHEMA_FILE.exists() or SCHEMA_FILE.read_text() != sdl:
            console.print(f"{SCHEMA_FILE} is out of date: run `crm export-schema`")
            raise typer.Exit(1)
        console.print("schema is up to date")
        return
    Path(SCHEMA_FILE).write_text(sdl)
    console.print(f"wrote {SCHEMA_FILE}")
