"""The sink on its own: attendance handed to its port, records in any order, batches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from application.importers.ports import AppliedRow, RowOutcome
from application.importers.report import ImportReport
from application.importers.sink import ImportSink
from application.members.community import Community
from domain.events import EventIsCancelled
from domain.importers.records import (
    Attendance,
    ImportRecord,
    MembershipChange,
    PlatformInteraction,
    PlatformMembership,
    PlatformUser,
    Position,
    Rsvp,
)
from domain.interactions.interaction import InteractionKind
from domain.values import Channel
from tests.unit.importers.helpers import member_of

AT = Position("attendees.csv", "line 2")
WHEN = datetime.now(UTC) - timedelta(days=3)


class FakeAttendance:
    """Keeps the rows it is handed; the second time a row comes it is a duplicate."""

    def __init__(self) -> None:
        self.rows: list[tuple[UUID, Attendance]] = []

    def open_for_attendance(self, event_id: UUID) -> None:
        """Every event is open here."""

    def apply_attendance(self, event_id: UUID, rows: Sequence[Attendance]) -> Sequence[AppliedRow]:
        """Record each row once per event."""
        outcomes = []
        for row in rows:
            seen = (event_id, row) in self.rows
            self.rows.append((event_id, row))
            outcome = RowOutcome.DUPLICATE if seen else RowOutcome.IMPORTED
            if not row.attended:
                outcome = RowOutcome.SKIPPED
            outcomes.append(AppliedRow(row.at, outcome, None if row.attended else "no-show"))
        return outcomes


def apply(community: Community, records: list[ImportRecord], **options: object) -> ImportReport:
    """Run the records through a sink of batches of two."""
    sink = ImportSink(
        community,
        ImportReport("test"),
        after_batch=lambda *_: None,
        batch_size=2,
        **options,  # type: ignore[arg-type]
    )
    for record in records:
        sink.add(record)
    return sink.finish()


def test_attendee_rows_go_to_the_attendance_port_with_the_event(community: Community) -> None:
    recorder, event = FakeAttendance(), uuid4()
    rows: list[ImportRecord] = [
        Attendance(Channel.MEETUP, "m1", "Ada", AT, attended=True),
        Attendance(Channel.MEETUP, "m2", "Bob", AT),
    ]

    report = apply(community, rows * 2, attendance=recorder, event_id=event)

    assert [event_id for event_id, _ in recorder.rows] == [event] * 4
    assert (report.imported, report.duplicates, report.skipped["no-show"]) == (1, 1, 2)


def test_attendee_rows_without_an_event_are_errors(community: Community) -> None:
    report = apply(community, [Attendance(Channel.MEETUP, "m1", "Ada", AT)])

    assert [(e.at, e.reason) for e in report.errors] == [
        (AT, "attendee rows need an event: give --event")
    ]


def test_activity_before_its_user_makes_the_member_the_user_then_names(
    community: Community,
) -> None:
    at = Position("x.json", "item 1")
    records: list[ImportRecord] = [
        PlatformInteraction(Channel.SLACK, "U1", InteractionKind.MESSAGE, WHEN, "C:1", at),
        PlatformMembership(Channel.SLACK, "U2", MembershipChange.LEFT, WHEN, "C:2", at),
        PlatformUser(Channel.SLACK, "U1", "ada", "Ada", at, is_bot=True),
        PlatformUser(Channel.SLACK, "U2", "bob", "Bob", at, joined_at=WHEN),
    ]

    report = apply(community, records)

    ada, bob = member_of(community, "slack", "U1"), member_of(community, "slack", "U2")
    assert ada is not None and (ada.display_name, ada.is_bot) == ("Ada", True)
    assert bob is not None and bob.display_name == "Bob" and bob.status == "left"
    assert (report.members_created, report.imported, report.error_count) == (2, 4, 0)


def test_declined_and_waitlisted_rows_are_skipped_unless_they_came(community: Community) -> None:
    recorder = FakeAttendance()
    rows: list[ImportRecord] = [
        Attendance(Channel.MEETUP, "m1", "Ada", AT, rsvp=Rsvp.DECLINED),
        Attendance(Channel.MEETUP, "m2", "Bob", AT, rsvp=Rsvp.WAITLISTED),
        Attendance(Channel.MEETUP, "m3", "Cy", AT, rsvp=Rsvp.WAITLISTED, attended=True),
    ]

    report = apply(community, rows, attendance=recorder, event_id=uuid4())

    assert [row.attendee_id for _, row in recorder.rows] == ["m3"]
    assert report.skipped == {
        "declined: said no, so not expected at the event": 1,
        "waitlisted: never given a place, so not expected at the event": 1,
    }
    assert report.imported == 1


def test_an_event_cancelled_mid_import_fails_its_rows_and_nothing_else(
    community: Community,
) -> None:
    class Cancelled(FakeAttendance):
        def apply_attendance(
            self, event_id: UUID, rows: Sequence[Attendance]
        ) -> Sequence[AppliedRow]:
            raise EventIsCancelled(event_id)

    rows: list[ImportRecord] = [Attendance(Channel.MEETUP, f"m{n}", "Ada", AT) for n in range(3)]
    report = apply(community, rows, attendance=Cancelled(), event_id=uuid4())

    assert report.error_count == 3 and {e.stage for e in report.errors} == {"apply"}
    assert "was cancelled" in report.errors[0].reason


def test_platform_attributes_join_the_members_own_and_follow_the_platform(
    community: Community,
) -> None:
    at = Position("users.csv", "line 2")

    def user(level: int) -> PlatformUser:
        trust = (("discourse.trust_level", level),)
        return PlatformUser(Channel.DISCOURSE, "7", "ada", "Ada", at, attributes=trust)

    apply(community, [user(1)])
    ada = member_of(community, "discourse", "7")
    assert ada is not None and ada.attributes["discourse.trust_level"] == 1
    ada.update_profile({"attributes": {"team": "docs"}})  # a manager's own attribute
    community.save_members(ada)

    same = apply(community, [user(1)])
    promoted = apply(community, [user(3)])

    ada = member_of(community, "discourse", "7")
    assert ada is not None and (same.duplicates, promoted.imported) == (1, 1)
    assert ada.attributes["discourse.trust_level"] == 3 and ada.attributes["team"] == "docs"
