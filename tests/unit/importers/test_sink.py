"""The sink on its own: attendance handed to its port, records in any order, batches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from application.importers.ports import AppliedRow, RowOutcome
from application.importers.report import ImportReport
from application.importers.sink import ImportSink
from application.members.community import Community
from domain.importers.records import (
    Attendance,
    ImportRecord,
    MembershipChange,
    PlatformInteraction,
    PlatformMembership,
    PlatformUser,
    Position,
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
