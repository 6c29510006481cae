"""Community events on PostgreSQL through the composition root, and their figures read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from api.bootstrap import use_cases
from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.events import commands as cmd
from domain.events.figures import EventFigures, event_figures
from domain.interactions.commands import RecordInteraction
from domain.members import commands as mc
from projections.events.queries import EventQueries, attendance_counts

RUNNERS = ("members", "engagement", "event_attendance")


def catch_up(runtime: Runtime) -> None:
    """Bring the members, engagement and events projections to the head of the log."""
    for runner in build_runners(runtime):
        if runner.name in RUNNERS:
            runner.catch_up()


def joined(runtime: Runtime, name: str, **fields: Any) -> UUID:
    command = mc.JoinMember(display_name=name, **fields)
    return runtime.community.join_member(command).member.id


def spoke(runtime: Runtime, member_id: UUID, at: datetime, ref: str) -> None:
    """A message of the member at `at`."""
    record = RecordInteraction(
        member_id=member_id, channel="discord", kind="message", occurred_at=at, external_id=ref
    )
    report = runtime.community.record_interactions([record], create_unknown_members=False)
    assert report.accepted == 1, report


def scheduled(runtime: Runtime, starts_at: datetime, **fields: Any) -> UUID:
    values: dict[str, Any] = {
        "title": "Meetup",
        "kind": "meetup",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "channel": "meetup",
    }
    command = cmd.ScheduleCommunityEvent(**(values | fields))
    return use_cases(runtime).events.schedule(command).event.id


def figures(runtime: Runtime, event_id: UUID) -> EventFigures:
    """The event's figures as of now, from the read model."""
    row = EventQueries(runtime.pool).by_ids([event_id])[event_id]
    now = datetime.now(UTC)
    return event_figures(
        attendance_counts(row), starts_at=row["starts_at"], ends_at=row["ends_at"], now=now
    )
