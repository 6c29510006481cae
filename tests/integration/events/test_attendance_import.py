"""An attendee file applied through the composition root's AttendanceRecorder, on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.bootstrap import use_cases
from application.importers.ports import RowOutcome
from application.runtime import Runtime
from domain.importers.records import Attendance, Position
from domain.values import Channel
from tests.integration.conftest import scalar
from tests.integration.events.helpers import catch_up, joined, scheduled

pytestmark = pytest.mark.integration

STARTS = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


def attendee(line: int, **fields: object) -> Attendance:
    values: dict[str, object] = {
        "channel": Channel.MEETUP,
        "attendee_id": f"mu-{line}",
        "name": f"Attendee {line}",
        "at": Position("luma.csv", f"line {line}"),
    }
    return Attendance(**(values | fields))  # type: ignore[arg-type]


def counts(runtime: Runtime) -> tuple[int, int, int]:
    """Stored events, members and attendance interactions."""
    url = runtime.database_url
    return (
        scalar(url, "SELECT count(*) FROM community_events"),
        scalar(url, "SELECT count(*) FROM members"),
        scalar(url, "SELECT count(*) FROM member_interactions WHERE kind = 'event_attended'"),
    )


def test_the_same_file_twice_adds_nothing(runtime: Runtime) -> None:
    known = joined(runtime, "Known", email="known@example.org")
    event = scheduled(runtime, STARTS)
    catch_up(runtime)  # the e-mail is found through the members' read model
    rows = [
        attendee(2, email="KNOWN@example.org", attended=True),
        attendee(3, email="new@example.org", registered_at=STARTS - timedelta(days=5)),
        attendee(4, checked_in_at=STARTS + timedelta(minutes=10), is_host=True),
        attendee(5, attended=True),
        attendee(6, name="", attended=True),  # no name: cannot join
        attendee(7, attended=True, checked_in_at=STARTS + timedelta(days=1)),  # after the end
    ]
    recorder = use_cases(runtime).attendance
    first = recorder.apply_attendance(event, rows)
    assert [r.outcome for r in first] == [RowOutcome.IMPORTED] * 4 + [RowOutcome.SKIPPED] * 2
    assert "display_name" in (first[4].reason or "")
    assert "after the event ended" in (first[5].reason or "")
    catch_up(runtime)
    before = counts(runtime)
    # Known came (by e-mail), 5 came; 4 hosted; 3 and 7 (skipped: a row, not a person) joined.
    assert before[2] == 2
    attendees = "SELECT count(*) FROM event_attendees WHERE event_id = %s"
    assert scalar(runtime.database_url, attendees, (event,)) == 4
    host = "SELECT %s = ANY(host_ids) FROM event_schedule WHERE event_id = %s"
    assert scalar(runtime.database_url, host, (known, event)) is False

    second = use_cases(runtime).attendance.apply_attendance(event, rows)
    assert [r.outcome for r in second[:4]] == [RowOutcome.DUPLICATE] * 4
    catch_up(runtime)
    assert counts(runtime) == before
