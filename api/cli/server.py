"""`crm serve`, `worker`, `migrate`, `status`, `export-schema`: running it."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.table import Table

from api.auth import ApiKeys, IssuedKey, Role
from api.bootstrap import evaluation_schedule
from api.cli.common import app, console, load_settings
from api.cli.data import seed_if_empty
from api.projection_wiring import projection_worker
from application.migrations import apply_migrations
from application.runtime import Runtime, resolve_database
from application.settings import Settings
from projections.compaction import pending_compactions
from projections.parking import parked_counts
from projections.positions import lags
from projections.registry import projection_names

DEMO_KEY_NAME = "demo-admin"


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
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes; more than one needs --no-projections and a `crm worker`.",
        ),
    ] = 1,
    webhooks: Annotated[
        bool,
        typer.Option(help="Send webhooks from this process (else `crm webhooks deliver`)."),
    ] = True,
) -> None:
    """Start the API (GraphQL at /graphql), on the embedded database unless configured."""
    from api.app import create_app
    from api.services import Services

    settings = load_settings()
    if workers > 1:
        if webhooks:
            raise typer.BadParameter(
                "several server processes would each send webhooks: add --no-webhooks and"
                " run one `crm webhooks deliver` beside them",
                param_hint="--workers",
            )
        serve_workers(settings, workers, host=host, port=port, projections=projections, demo=demo)
        return
    # uvicorn re-raises SIGTERM once it has shut down; exit normally then, so that the
    # embedded database is stopped cleanly below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    runtime = Runtime.start(settings)
    services = Services.build(runtime, run_projections=projections, deliver_webhooks=webhooks)
    # Where projections run, stage evaluations run too (they read the projections).
    schedule = evaluation_schedule(
        runtime,
        settings.evaluation_interval_seconds if projections else 0,
        services.use_cases.evaluation,
    )
    schedule.start()
    try:
        bind_host, bind_port = host or settings.host, port or settings.port
        if demo:
            seed_if_empty(runtime)
            issued, revoked = issue_demo_key(services.api_keys)
            console.print(f"[bold]GraphiQL:[/bold] http://{bind_host}:{bind_port}/graphql")
            # Plain print: never wrapped, so it is copied whole.
            print(f"Admin API key: {issued.secret}", flush=True)
            console.print("Send it as the header  Authorization: Bearer <key>")
            console.print(
                f"Each `crm serve --demo` issues a new admin key and revokes the earlier"
                f" demo keys (named {DEMO_KEY_NAME})"
                + (f": {revoked} revoked just now." if revoked else ".")
            )
        uvicorn.run(
            create_app(settings, services=services),
            host=bind_host,
            port=bind_port,
            log_level=settings.log_level,
            # A subscription socket's messages are bounded like request bodies.
            ws_max_size=settings.max_body_bytes,
        )
    finally:
        schedule.stop()
        services.close()


def serve_workers(
    settings: Settings,
    workers: int,
    *,
    host: str | None,
    port: int | None,
    projections: bool,
    demo: bool,
) -> None:
    """Several uvicorn processes on one port, each with its own runtime and pool
    (api.app:production_app); projections run in one separate `crm worker`."""
    if projections:
        raise typer.BadParameter(
            "several server processes would each run every projection: add --no-projections"
            " and run one `crm worker` beside them",
            param_hint="--workers",
        )
    if demo:
        raise typer.BadParameter("--demo serves one process", param_hint="--workers")
    if settings.metrics_dir is None:
        # So that /metrics, whichever process answers, adds up every worker's samples.
        directory = tempfile.mkdtemp(prefix="crm-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        console.print(
            f"metrics of the {workers} workers are shared in {directory}; set"
            " PROMETHEUS_MULTIPROC_DIR to a directory `crm worker` shares to include its own"
        )
    bind = ["--host", host or settings.host, "--port", str(port or settings.port)]
    # uvicorn's own supervisor, in place of this process: its workers are spawned from a
    # module it knows how to start again (not the `crm` script).
    os.execv(
        sys.executable,
        [sys.executable, "-m", "uvicorn", "api.app:production_app", "--factory"]
        + ["--workers", str(workers), *bind, "--log-level", settings.log_level]
        + ["--ws-max-size", str(settings.max_body_bytes)],
    )


def issue_demo_key(api_keys: ApiKeys) -> tuple[IssuedKey, int]:
    """A new admin key for the demo, revoking the earlier demo keys: one is valid at a time.

    Only a hash of each key is stored, so an earlier key cannot be shown again; revoking
    it keeps restarts from leaving a trail of forgotten admin keys. Returns how many went.
    """
    earlier = [
        key for key in api_keys.list() if key.name == DEMO_KEY_NAME and key.revoked_at is None
    ]
    for key in earlier:
        api_keys.revoke(key.key_id)
    return api_keys.create(name=DEMO_KEY_NAME, role=Role.ADMIN), len(earlier)


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
def worker(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Run just this projection (repeatable), in a process of its own beside the"
            " worker that runs the rest with --skip; that one keeps the maintenance jobs and"
            " the evaluation schedule.",
        ),
    ] = None,
    skip: Annotated[
        list[str] | None,
        typer.Option("--skip", help="Run every projection but this one (repeatable)."),
    ] = None,
) -> None:
    """Run the projections in the foreground until stopped (SIGINT or SIGTERM)."""
    names = _worker_projections(only or [], skip or [])
    settings = load_settings()
    runtime = Runtime.start(settings)
    # A worker of chosen projections leaves the jobs to the one that runs the rest, so
    # that each job has one runner however many workers share the projections.
    maintain = not only
    follower = projection_worker(runtime, names=names, maintain=maintain)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: follower.stopping.set())
    schedule = evaluation_schedule(runtime, settings.evaluation_interval_seconds if maintain else 0)
    console.print(f"projecting {', '.join(names)}; Ctrl-C stops")
    schedule.start()
    try:
        follower.run()
    finally:
        schedule.stop()
        runtime.close()


def _worker_projections(only: list[str], skip: list[str]) -> list[str]:
    """The projections a worker runs: all, those named by --only, or all but --skip."""
    if only and skip:
        raise typer.BadParameter("give --only or --skip, not both", param_hint="--only")
    known = projection_names()
    for name, hint in [*((n, "--only") for n in only), *((n, "--skip") for n in skip)]:
        if name not in known:
            raise typer.BadParameter(
                f"unknown projection {name!r}; known: {', '.join(known)}", param_hint=hint
            )
    if only:
        return [name for name in known if name in only]
    names = [name for name in known if name not in skip]
    if not names:
        raise typer.BadParameter("--skip leaves no projection to run", param_hint="--skip")
    return names


@app.command()
def status() -> None:
    """Show each projection's position, lag behind the log, and events parked."""
    runtime = Runtime.start(load_settings())
    try:
        table = Table("projection", "position", "head of log", "lag", "parked", "rule")
        counts = parked_counts(runtime.pool, projection_names())
        for lag in lags(runtime.pool, projection_names()):
            row = (lag.name, str(lag.position), str(lag.head), str(lag.behind))
            table.add_row(*row, str(counts[lag.name]), lag.rule_version or "-")
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
