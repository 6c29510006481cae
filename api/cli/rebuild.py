"""`crm project`: rebuild a projection from the log, or retry or skip the events it parked."""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, wait
from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from api.cli import parked
from api.cli.common import app, console, load_settings
from api.projection_wiring import build_runners
from application.runtime import Runtime
from application.statistics import vacuum_and_analyze
from domain.interactions.interaction import Interaction
from projections.parking import parked_counts
from projections.positions import head_of_log, lags
from projections.registry import all_projections, projection_names

# Rebuilds read big pages: fewer round trips, and set-based applies gain the most.
REBUILD_BATCH = 20_000
ALL = "all"
PROGRESS_SECONDS = 0.5
_NAMES = ", ".join(projection_names())
log = logging.getLogger(__name__)


@app.command(
    help=f"Rebuild a projection, or deal with the events it parked. Projections: {_NAMES}.",
)
def project(
    name: Annotated[
        str | None,
        typer.Argument(
            help=f"Projection for --retry-parked or --skip-parked ({_NAMES}); default: all.",
            show_default=False,
        ),
    ] = None,
    rebuild: Annotated[
        str | None,
        typer.Option(
            help=f"Projection to rebuild from the start of the log ({_NAMES}), or `all`:"
            " its tables are emptied and the log replayed, side by side for `all`.",
            show_default=False,
        ),
    ] = None,
    retry_parked: Annotated[bool, typer.Option("--retry-parked", help=parked.RETRY_HELP)] = False,
    skip_parked: Annotated[bool, typer.Option("--skip-parked", help=parked.SKIP_HELP)] = False,
) -> None:
    """Rebuild a projection, or retry or skip the events it parked."""
    if sum((rebuild is not None, retry_parked, skip_parked)) != 1:
        raise typer.BadParameter("give one of --rebuild, --retry-parked or --skip-parked")
    if rebuild is not None:
        if name is not None:
            raise typer.BadParameter(
                f"NAME ({name!r}) goes with --retry-parked or --skip-parked;"
                " --rebuild takes its own projection name"
            )
        _rebuild(rebuild)
        return
    names = _known_names(name or ALL, "NAME")
    runtime = Runtime.start(load_settings())
    try:
        (parked.retry if retry_parked else parked.skip)(runtime, names)
    finally:
        runtime.close()


def _known_names(given: str, hint: str) -> list[str]:
    """The projections a name stands for (`all`: every one), refusing unknown names."""
    if given == ALL:
        return projection_names()
    if given not in projection_names():
        raise typer.BadParameter(
            f"unknown projection {given!r}; known: {ALL}, {_NAMES}", param_hint=hint
        )
    return [given]


def _rebuild(rebuild: str) -> None:
    """Empty the projection's (or all projections') tables and replay the log into them."""
    names = _known_names(rebuild, "--rebuild")
    runtime = Runtime.start(load_settings())
    try:
        head = head_of_log(runtime.pool)
        started = time.monotonic()
        if len(names) == 1:
            _rebuild_here(runtime, names[0], head)
        else:
            _rebuild_side_by_side(runtime, names, head)
        seconds = time.monotonic() - started
        left_parked = {n: c for n, c in parked_counts(runtime.pool, names).items() if c}
    finally:
        runtime.close()
    rate = head / seconds if seconds > 0 else 0.0
    console.print(
        f"{', '.join(names)} rebuilt up to notification {head} in {seconds:.1f} s"
        f" ({rate:,.0f} events/s)"
    )
    for name, count in left_parked.items():
        console.print(f"{name}: {count} events could not be applied and are parked (crm status)")


def _rebuild_here(runtime: Runtime, name: str, head: int) -> None:
    """Rebuild one projection in this process, with a progress bar."""
    runner = next(r for r in build_runners(runtime) if r.name == name)
    runner.reset(replay=True)
    with Progress(console=console) as progress:
        task = progress.add_task(f"rebuilding {name}", total=head or 1)
        while consumed := runner.run_page_retrying(REBUILD_BATCH):
            progress.advance(task, consumed)
        progress.update(task, completed=head or 1)
    vacuum_and_analyze(runtime.pool, runner.projection.tables)


def _rebuild_side_by_side(runtime: Runtime, names: list[str], head: int) -> None:
    """Rebuild each projection in a process of its own, a core's worth at a time, the
    heaviest first, showing their positions."""
    # Spawned, not forked: this process holds a connection pool and its threads. More
    # processes than cores only take turns, and each holds its own connections.
    context = multiprocessing.get_context("spawn")
    workers = min(len(names), os.cpu_count() or 1)
    with (
        ProcessPoolExecutor(workers, mp_context=context) as pool,
        Progress(console=console) as progress,
    ):
        rebuilds = [
            pool.submit(rebuild_projection, runtime.database_url, n) for n in heaviest_first(names)
        ]
        tasks = {n: progress.add_task(f"rebuilding {n}", total=head or 1) for n in names}
        while wait(rebuilds, timeout=PROGRESS_SECONDS).not_done:
            _show_positions(runtime, progress, tasks)
        for rebuilt in rebuilds:
            rebuilt.result()  # a failed rebuild fails the command
        _show_positions(runtime, progress, tasks)
    # Only once every rebuild has ended: a page another rebuild still had open would keep
    # VACUUM from marking the rows written before it all-visible.
    started = time.monotonic()
    tables = [t for p in all_projections() if p.name in names for t in p.tables]
    vacuum_and_analyze(runtime.pool, tables)
    log.info("vacuumed and analyzed the rebuilt tables in %.1f s", time.monotonic() - started)


def heaviest_first(names: list[str]) -> list[str]:
    """The projections that read interactions (nine events in ten) first, then the others."""
    reading = {p.name for p in all_projections() if Interaction.Recorded.TOPIC in p.topics}
    return sorted(names, key=lambda name: name not in reading)


def _show_positions(runtime: Runtime, progress: Progress, tasks: dict[str, TaskID]) -> None:
    for lag in lags(runtime.pool, list(tasks)):
        progress.update(tasks[lag.name], completed=min(lag.position, lag.head))


def rebuild_projection(database_url: str, name: str) -> int:
    """Reset one projection and replay the whole log into it; runs in a worker process."""
    settings = load_settings().model_copy(update={"database_url": database_url})
    runtime = Runtime.start(settings, migrate=False)
    started = time.monotonic()
    try:
        runner = next(r for r in build_runners(runtime) if r.name == name)
        runner.reset(replay=True)
        consumed = runner.catch_up(REBUILD_BATCH, retrying=True)
        # Which projection holds a rebuild of everything back: each one's own time.
        log.info("rebuilt %s in %.1f s", name, time.monotonic() - started)
        return consumed
    finally:
        runtime.close()
