"""Notes and motivations recorded through their desks on PostgreSQL, and their projections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from api.bootstrap import personal_data
from api.projection_wiring import build_runners
from application.outreach.motivations import MotivationDesk
from application.outreach.notes import NoteDesk
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.interactions.interaction import interaction_id
from domain.members import commands as mc
from projections.outreach.motivations_queries import MotivationQueries
from projections.outreach.notes_queries import NoteQueries


def catch_up(runtime: Runtime, *names: str) -> None:
    """Bring the named projections to the head of the log."""
    for runner in build_runners(runtime):
        if runner.name in names:
            runner.catch_up()


def notes(runtime: Runtime) -> NoteQueries:
    """The notes read model's queries on the runtime's pool."""
    return NoteQueries(runtime.pool, personal_data(runtime))


def motivations(runtime: Runtime) -> MotivationQueries:
    """The motivations read model's queries on the runtime's pool."""
    return MotivationQueries(runtime.pool, personal_data(runtime))


def joined(runtime: Runtime, name: str = "Someone") -> UUID:
    """A new member's id."""
    return runtime.community.join_member(mc.JoinMember(display_name=name)).member.id


def staff(runtime: Runtime, name: str = "Staff") -> UUID:
    """A new member marked as staff."""
    member = joined(runtime, name)
    runtime.community.mark_member_as_staff(mc.MarkMemberAsStaff(member_id=member))
    return member


def interaction(runtime: Runtime, member_id: UUID, external_id: str) -> UUID:
    """The id of a message the member posted yesterday."""
    record = RecordInteraction(
        member_id=member_id,
        channel="discord",
        kind="message",
        occurred_at=datetime.now(UTC) - timedelta(days=1),
        external_id=external_id,
    )
    runtime.community.record_interactions([record], create_unknown_members=False)
    return interaction_id("discord", external_id)


def desks(runtime: Runtime) -> tuple[NoteDesk, MotivationDesk]:
    """The note desk, and the motivation desk with the default options."""
    return NoteDesk(runtime.community), MotivationDesk(runtime.community)
