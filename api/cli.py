"""The `crm` command: serve, migrate, run projections, manage keys, seed a demo."""

from __future__ import annotations

import logging
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from api.auth import ApiKeys, Role
from api.demo import seed_demo
from api.evaluation import EvaluationSchedule, evaluate_stages
from api.importer import detect_format, import_interactions, write_rejections
from api.ingestion import Ingestion
from application.migrations import apply_migrations
from application.runtime import Runtime, resolve_database
from application.settings import Settings
from projections.engine import ProjectionWorker
from projections.positions import head_of_log, lags
from projections.registry import build_runners, projection_names

app = typer.Typer(help="community-crm: an event-sourced CRM for online communities.")
keys_app = typer.Typer(help="Create, list and revoke API keys.")
app.add_typer(keys_app, name="apikey")
import_app = typer.Typer(help="Import data from files.")
app.add_typer(import_app, name="import")
console = Console()

DEMO_MEMBERS = 300
REBUILD_BATCH = 2_000


def _settings() -> Settings:
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return settings


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

    settings = _settings()
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
            _seed_if_empty(runtime)
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
    database_url, embedded = resolve_database(_settings())
    try:
        applied = apply_migrations(database_url)
    finally:
        if embedded:
            embedded.stop()
    console.print(f"applied: {', '.join(applied)}" if applied else "database is up to date")


@app.command()
def worker() -> None:
    """Run the projections in the foreground until stopped (SIGINT or SIGTERM)."""
    settings = _settings()
    runtime = Runtime.start(settings)
    follower = ProjectionWorker(
        runtime.database_url,
        build_runners(runtime),
        poll_seconds=settings.projection_poll_seconds,
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
    rebuild: Annotated[str, typer.Option(help="Projection to rebuild from the start of the log.")],
) -> None:
    """Rebuild a projection: empty its tables and replay the whole log into them."""
    if rebuild not in projection_names():
        raise typer.BadParameter(
            f"unknown projection {rebuild!r}; known: {', '.join(projection_names())}",
            param_hint="--rebuild",
        )
    runtime = Runtime.start(_settings())
    try:
        runner = next(r for r in build_runners(runtime) if r.name == rebuild)
        head = head_of_log(runtime.pool)
        runner.reset()
        with Progress(console=console) as progress:
            task = progress.add_task(f"rebuilding {rebuild}", total=head or 1)
            while consumed := runner.run_page(REBUILD_BATCH):
                progress.advance(task, consumed)
            progress.update(task, completed=head or 1)
        console.print(f"{rebuild} rebuilt up to notification {head}")
    finally:
        runtime.close()


@app.command()
def status() -> None:
    """Show each projection's position and lag behind the log."""
    runtime = Runtime.start(_settings())
    try:
        table = Table("projection", "position", "head of log", "lag")
        for lag in lags(runtime.pool, projection_names()):
            table.add_row(lag.name, str(lag.position), str(lag.head), str(lag.behind))
        console.print(table)
    finally:
        runtime.close()


@app.command()
def demo(
    members: Annotated[int, typer.Option(min=1, max=2_000_000, help="How many members.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same community).")] = 7,
) -> None:
    """Record a realistic demo community: identities, tags, interactions, two years of joins."""
    runtime = Runtime.start(_settings())
    try:
        with Progress(console=console) as progress:
            task = progress.add_task("recording members", total=members)
            seed_demo(
                runtime.community, members, seed=seed, progress=lambda n: progress.advance(task, n)
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
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"], help="Judge as of (UTC); default now."
        ),
    ] = None,
) -> None:
    """Record lifecycle stage changes (at risk, inactive...) as of now or a past date."""
    at = as_of.replace(tzinfo=UTC) if as_of else datetime.now(UTC)
    runtime = Runtime.start(_settings())
    try:
        _catch_up_projections(runtime)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("evaluating members", total=None)
            report = evaluate_stages(runtime, at, progress=lambda n: progress.advance(task, n))
    finally:
        runtime.close()
    console.print(
        f"{report.examined} members judged as of {report.at:%Y-%m-%d %H:%M} UTC"
        f" ({report.rule_version}): {report.changed} changed stage"
    )


def _catch_up_projections(runtime: Runtime) -> None:
    """Evaluations read the projections: bring them up to the head of the log first."""
    for runner in build_runners(runtime):
        runner.catch_up()


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


@keys_app.command("create")
def apikey_create(
    role: Annotated[Role, typer.Option(help="What the key may do.")],
    name: Annotated[str, typer.Option(help="Who or what uses the key.")],
) -> None:
    """Create a key and print it once; only its hash is stored."""
    runtime = Runtime.start(_settings())
    try:
        issued = ApiKeys(runtime.pool).create(name=name, role=role)
    finally:
        runtime.close()
    console.print(f"key {issued.key_id} ({issued.role.value}, {issued.name}):")
    print(issued.secret)


@keys_app.command("list")
def apikey_list() -> None:
    """List keys (never their secrets)."""
    runtime = Runtime.start(_settings())
    try:
        keys = ApiKeys(runtime.pool).list()
    finally:
        runtime.close()
    table = Table("id", "name", "role", "prefix", "created", "last used", "revoked")
    for key in keys:
        table.add_row(
            str(key.key_id),
            key.name,
            key.role.value,
            key.prefix,
            f"{key.created_at:%Y-%m-%d %H:%M}",
            f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "-",
            f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "-",
        )
    console.print(table)


@keys_app.command("revoke")
def apikey_revoke(key_id: Annotated[UUID, typer.Argument(help="The key's id.")]) -> None:
    """Revoke a key: it stops working at once."""
    runtime = Runtime.start(_settings())
    try:
        revoked = ApiKeys(runtime.pool).revoke(key_id)
    finally:
        runtime.close()
    if not revoked:
        console.print(f"no active key {key_id}")
        raise typer.Exit(1)
    console.print(f"revoked {key_id}")


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
    restart: Annotated[bool, typer.Option(help="Ignore the checkpoint of an earlier run.")] = False,
) -> None:
    """Record interactions from a file, resumably; each (channel, external_id) counts once."""
    chosen = file_format or detect_format(file)
    if chosen not in ("ndjson", "csv"):
        raise typer.BadParameter("use ndjson or csv", param_hint="--format")
    runtime = Runtime.start(_settings())
    try:
        ingestion = Ingestion(runtime, create_unknown_members=create_members, batch_size=batch)
        with Progress(console=console) as progress:
            task = progress.add_task(f"importing {file.name}", total=file.stat().st_size or 1)
            totals, skipped = import_interactions(
                ingestion,
                file,
                file_format=chosen,  # type: ignore[arg-type]
                restart=restart,
                progress=lambda done: progress.update(task, completed=done),
            )
    finally:
        runtime.close()
    if skipped:
        console.print(f"resumed after line {skipped} (done by an earlier run)")
    console.print(
        f"accepted {totals.accepted}, duplicates {totals.duplicates}, rejected {totals.rejected},"
        f" new members {totals.members_created}"
    )
    if totals.rejections:
        where = write_rejections(file, totals.rejections)
        for rejection in totals.rejections[:10]:
            console.print(f"  line {rejection.line}: {rejection.field or '-'}: {rejection.reason}")
        console.print(f"all listed rejections: {where}")


def _seed_if_empty(runtime: Runtime) -> None:
    if head_of_log(runtime.pool) > 0:
        console.print("the event log is not empty: demo data not seeded again")
        return
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("seeding demo community", total=DEMO_MEMBERS)
        seed_demo(runtime.community, DEMO_MEMBERS, progress=lambda n: progress.advance(task, n))
    _catch_up_projections(runtime)
    report = evaluate_stages(runtime, datetime.now(UTC))
    console.print(f"seeded {DEMO_MEMBERS} demo members; {report.changed} given a lifecycle stage")


def main() -> None:
    """Entry point of the `crm` console script."""
    app()
