"""`crm events schedule|register|check-in|cancel|list`: community events from a terminal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError

from api import bootstrap
from api.cli.common import app, console, load_settings
from api.cli.data import parse_instant
from api.projection_wiring import catch_up_all
from application.events.desk import EventDesk
from application.events.saving import EventChange
from application.runtime import Runtime
from domain.errors import DomainError
from domain.events import EventKind
from domain.events import commands as cmd
from domain.events.figures import event_figures
from projections.events.queries import EventQueries, attendance_counts

events_app = typer.Typer(help="Community events: schedule, register, check in, cancel, list.")
app.add_typer(events_app, name="events")
C = TypeVar("C")


def _run(build: Callable[[], C], act: Callable[[EventDesk, C], EventChange]) -> EventChange:
    """Build the command, run it on the desk; a refusal is a usage error saying why."""
    try:
        command = build()
    except ValidationError as error:
        item = error.errors()[0]
        where = ".".join(str(part) for part in item["loc"])
        raise typer.BadParameter(f"{where}: {item['msg']}") from None
    runtime = Runtime.start(load_settings())
    try:
        return act(bootstrap.use_cases(runtime).events, command)
    except DomainError as error:
        raise typer.BadParameter(str(error)) from None
    finally:
        runtime.close()


def _said(change: EventChange, done: str, already: str) -> None:
    console.print(f"{change.event.id} {done if change.changed else already}")


@events_app.command("schedule")
def schedule(
    title: Annotated[str, typer.Option(help="What it is called.")],
    kind: Annotated[EventKind, typer.Option(help="What sort of gathering.")],
    starts: Annotated[str, typer.Option(help="ISO 8601 start (UTC when no zone).")],
    ends: Annotated[str, typer.Option(help="ISO 8601 end, after the start.")],
    channel: Annotated[str | None, typer.Option(help="Where it is held online.")] = None,
    place: Annotated[str | None, typer.Option(help="Where it is held.")] = None,
    host: Annotated[list[str] | None, typer.Option(help="A host's member id (repeat).")] = None,
) -> None:
    """Schedule a community event; prints its id."""
    starts_at, ends_at = parse_instant(starts, "--starts"), parse_instant(ends, "--ends")

    def build() -> cmd.ScheduleCommunityEvent:
        return cmd.ScheduleCommunityEvent.model_validate(
            {
                "title": title,
                "kind": kind,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "channel": channel,
                "place": place,
                "host_ids": host or [],
            }
        )

    _said(_run(build, EventDesk.schedule), "scheduled", "scheduled")


@events_app.command("register")
def register(
    event: Annotated[str, typer.Argument(help="The event's id.")],
    member: Annotated[str, typer.Argument(help="The member's id.")],
) -> None:
    """Register a member for an event (twice is once)."""
    change = _run(
        lambda: cmd.RegisterForEvent.model_validate({"event_id": event, "member_id": member}),
        EventDesk.register,
    )
    _said(change, f"registered {member}", f"had {member} registered already")


@events_app.command("check-in")
def check_in(
    event: Annotated[str, typer.Argument(help="The event's id.")],
    member: Annotated[str, typer.Argument(help="The member's id.")],
    at: Annotated[str | None, typer.Option(help="When they arrived (ISO 8601).")] = None,
) -> None:
    """Record that a member came (twice is once); registers them too."""
    checked_in_at = parse_instant(at, "--at") if at else None
    fields = {"event_id": event, "member_id": member, "checked_in_at": checked_in_at}
    change = _run(lambda: cmd.CheckInToEvent.model_validate(fields), EventDesk.check_in)
    _said(change, f"checked in {member}", f"had {member} checked in already")


@events_app.command("cancel")
def cancel(
    event: Annotated[str, typer.Argument(help="The event's id.")],
    reason: Annotated[str, typer.Option(help="Why it is called off.")],
) -> None:
    """Cancel an event nobody checked in to."""
    fields = {"event_id": event, "reason": reason}
    _said(
        _run(lambda: cmd.CancelCommunityEvent.model_validate(fields), EventDesk.cancel),
        "cancelled",
        "cancelled",
    )


@events_app.command("list")
def list_events(
    start: Annotated[str, typer.Option("--from", help="Starting at or after (ISO 8601).")],
    end: Annotated[str, typer.Option("--to", help="Starting before (ISO 8601).")],
) -> None:
    """Events starting in [from, to), with their figures (hosts left out)."""
    since, until = parse_instant(start, "--from"), parse_instant(end, "--to")
    runtime = Runtime.start(load_settings())
    try:
        catch_up_all(runtime)  # the figures are read from the projections: up to the head
        rows = EventQueries(runtime.pool).between(since, until, 200)
    finally:
        runtime.close()
    now = datetime.now(UTC)
    for row in rows:
        figures = event_figures(
            attendance_counts(row), starts_at=row["starts_at"], ends_at=row["ends_at"], now=now
        )
        no_show = "-" if figures.no_show_rate is None else f"{figures.no_show_rate:.0%}"
        kept = (
            "their retention pending"
            if figures.retained_newcomers is None
            else f"{figures.retained_newcomers} still active 8 weeks on"
        )
        console.print(
            f"{row['starts_at']:%Y-%m-%d %H:%M} {row['event_id']} {row['title']!r}"
            f" ({row['status']}): {figures.registered} registered, {figures.attended} came,"
            f" no-show {no_show}, {figures.first_timers} first-timers,"
            f" {figures.newcomers} newcomers ({kept})",
            markup=False,
        )
    console.print(f"{len(rows)} event(s)")
