"""The events desk and the attendance import on an in-memory Community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from application.events.attendance import AttendanceImport
from application.events.attendance_records import attendance_id
from application.events.desk import EventDesk
from application.importers.ports import RowOutcome
from application.members.community import Community
from domain.errors import InvalidField, MemberIsErased, MemberNotFound
from domain.events import CommunityEventNotFound, EventIsCancelled
from domain.events import commands as cmd
from domain.importers.records import Attendance, Position
from domain.interactions.interaction import Interaction, interaction_id
from domain.members import commands as mc
from domain.values import Channel
from tests.unit.conftest import in_memory_community

NOW = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
STARTS = NOW - timedelta(hours=1)


class Directory:
    """The MemberDirectory port over a dictionary the test fills."""

    def __init__(self) -> None:
        self.emails: dict[str, UUID] = {}

    def member_by_email(self, email: str) -> UUID | None:
        return self.emails.get(email.casefold())


@pytest.fixture
def community() -> Community:
    return in_memory_community(clock=lambda: NOW)


@pytest.fixture
def desk(community: Community) -> EventDesk:
    return EventDesk(community, community.record_interactions)


def member(community: Community, name: str = "Someone") -> UUID:
    return community.join_member(mc.JoinMember(display_name=name)).member.id


def meetup(desk: EventDesk, **fields: object) -> UUID:
    values: dict[str, object] = {
        "title": "Meetup",
        "kind": "meetup",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=3),
        "channel": Channel.MEETUP,
    }
    return desk.schedule(cmd.ScheduleCommunityEvent(**(values | fields))).event.id


def interaction(community: Community, event_id: UUID, member_id: UUID) -> Interaction | None:
    """The member's attendance interaction, if recorded."""
    ident = interaction_id("meetup", attendance_id(event_id, member_id))
    if not list(community.events.get(ident)):
        return None
    found = community.repository.get(ident)
    return found if isinstance(found, Interaction) else None


def test_a_check_in_records_the_attendance_and_the_hosting_once(
    community: Community, desk: EventDesk
) -> None:
    host, guest = member(community, "Host"), member(community, "Guest")
    event_id = meetup(desk, host_ids=[host])
    first = desk.check_in(cmd.CheckInToEvent(event_id=event_id, member_id=guest))
    again = desk.check_in(cmd.CheckInToEvent(event_id=event_id, member_id=guest))
    assert first.changed and not again.changed and again.position is None
    attended, hosted = (
        interaction(community, event_id, guest),
        interaction(community, event_id, host),
    )
    assert (
        attended is not None and attended.kind == "event_attended" and attended.occurred_at == NOW
    )
    assert hosted is not None and hosted.kind == "event_hosted" and hosted.occurred_at == STARTS


def test_unknown_and_erased_members_and_events_are_refused(
    community: Community, desk: EventDesk
) -> None:
    event_id = meetup(desk)
    with pytest.raises(MemberNotFound):
        desk.register(cmd.RegisterForEvent(event_id=event_id, member_id=uuid4()))
    erased = member(community)
    community.erase_member(mc.EraseMember(member_id=erased))
    with pytest.raises(MemberIsErased):
        desk.check_in(cmd.CheckInToEvent(event_id=event_id, member_id=erased))
    with pytest.raises(CommunityEventNotFound):
        desk.register(cmd.RegisterForEvent(event_id=uuid4(), member_id=member(community)))
    with pytest.raises(InvalidField, match="host_ids"):
        meetup(desk, host_ids=[uuid4()])


def row(attendee: str, **fields: object) -> Attendance:
    values: dict[str, object] = {
        "channel": Channel.MEETUP,
        "attendee_id": attendee,
        "name": f"Attendee {attendee}",
        "at": Position("attendees.csv", f"line {attendee}"),
    }
    return Attendance(**(values | fields))  # type: ignore[arg-type]


def test_an_attendee_file_twice_adds_nothing_the_second_time(
    community: Community, desk: EventDesk
) -> None:
    directory = Directory()
    known = member(community, "Known")
    directory.emails["known@example.org"] = known
    recorder = AttendanceImport(desk, directory)
    event_id = meetup(desk)
    rows = [
        row("1", email="Known@Example.org", attended=True),
        row("2", registered_at=NOW - timedelta(days=3)),
        row("3", checked_in_at=NOW - timedelta(minutes=30)),
        row("3"),  # the same person again further down
        row("\u202e", attended=True),  # a spoofing id: no member can hold it
        row("5", checked_in_at=STARTS - timedelta(hours=2)),  # before the doors opened
    ]
    first = recorder.apply_attendance(event_id, rows)
    assert [r.outcome for r in first] == [
        RowOutcome.IMPORTED,
        RowOutcome.IMPORTED,
        RowOutcome.IMPORTED,
        RowOutcome.DUPLICATE,
        RowOutcome.SKIPPED,
        RowOutcome.SKIPPED,
    ]
    assert "direction control" in (first[4].reason or "")
    assert "opens for check-in" in (first[5].reason or "")
    assert first[0].at == rows[0].at
    event = desk.get_event(event_id)
    version = event.version
    assert known in event.check_ins and len(event.registrations) == 3
    assert interaction(community, event_id, known) is not None
    second = recorder.apply_attendance(event_id, rows)
    assert [r.outcome for r in second[:4]] == [RowOutcome.DUPLICATE] * 4
    assert desk.get_event(event_id).version == version


def test_an_attendee_file_for_a_cancelled_or_unknown_event_applies_to_nothing(
    community: Community, desk: EventDesk
) -> None:
    recorder = AttendanceImport(desk, Directory())
    event_id = meetup(
        desk, starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=3, hours=2)
    )
    desk.cancel(cmd.CancelCommunityEvent(event_id=event_id, reason="speaker ill"))
    with pytest.raises(EventIsCancelled):
        recorder.apply_attendance(event_id, [row("1")])
    with pytest.raises(CommunityEventNotFound):
        recorder.apply_attendance(uuid4(), [row("1")])


def test_a_check_in_whose_interaction_was_lost_gets_it_on_the_next_attempt(
    community: Community,
) -> None:
    """A crash between saving the check-in and recording its interaction heals on retry."""

    def crash(*args: object, **kwargs: object) -> None:
        raise ConnectionError("lost the database")

    guest = member(community)
    event_id = meetup(EventDesk(community, community.record_interactions))
    command = cmd.CheckInToEvent(event_id=event_id, member_id=guest)
    with pytest.raises(ConnectionError):
        EventDesk(community, crash).check_in(command)
    assert interaction(community, event_id, guest) is None
    again = EventDesk(community, community.record_interactions).check_in(command)
    assert not again.changed and interaction(community, event_id, guest) is not None
