"""`crm import attendees --event ID` on PostgreSQL: a Luma list applied to a meetup, counted in
its figures and in engagement; again; for an unknown or cancelled event; --strict."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from api.bootstrap import use_cases
from application.importers.report import ImportReport
from application.runtime import Runtime
from domain.events import CommunityEventNotFound, EventIsCancelled
from domain.events import commands as cmd
from tests.integration.conftest import scalar
from tests.integration.events.helpers import figures, scheduled
from tests.integration.importers.helpers import failures, imported, member

pytestmark = pytest.mark.integration
STARTS = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
HEADER = "api_id,name,email,created_at,approval_status,checked_in_at"


def luma_list(path: Path, *rows: str) -> Path:
    """A Luma guest list, with the byte-order mark spreadsheets write."""
    path.write_text("\ufeff" + "\r\n".join((HEADER, *rows)) + "\r\n")
    return path


def guest(number: int, status: str = "approved", came: bool = False, email: str = "") -> str:
    registered = (STARTS - timedelta(days=5)).isoformat()
    checked_in = (STARTS + timedelta(minutes=number)).isoformat() if came else ""
    email = email or f"guest{number}@example.org"
    return f"gst-{number},Guest {number},{email},{registered},{status},{checked_in}"


def attended(runtime: Runtime) -> int:
    """EVENT_ATTENDED interactions in the read model."""
    query = "SELECT count(*) FROM member_interactions WHERE kind = 'event_attended'"
    return int(scalar(runtime.database_url, query))


def members(runtime: Runtime) -> int:
    return int(scalar(runtime.database_url, "SELECT count(*) FROM members"))


@pytest.fixture(scope="module")
def meetup(
    runtime: Runtime, tmp_path_factory: pytest.TempPathFactory
) -> tuple[UUID, Path, ImportReport]:
    """A meetup held two days ago and its guest list imported: its id, the file, the report."""
    event = scheduled(runtime, STARTS)
    path = luma_list(
        tmp_path_factory.mktemp("attendees") / "luma.csv",
        guest(1, came=True),
        guest(2),  # registered, never came: a no-show
        guest(3, "declined"),
        guest(4, "waitlist"),
        guest(5, "waitlist", came=True),  # given a place at the door
        guest(6, email="not-an-address"),
    )
    return event, path, imported(runtime, "attendees", path, event=event)


def test_registrations_and_check_ins_count_in_the_figures_and_in_engagement(
    runtime: Runtime, meetup: tuple[UUID, Path, ImportReport]
) -> None:
    event, _, report = meetup

    done = figures(runtime, event)
    assert (done.registered, done.attended, done.no_show_rate) == (3, 2, pytest.approx(1 / 3))
    assert (report.imported, report.error_count) == (3, 1)
    assert failures(report) == {
        ("luma.csv", "line 7"): "email 'not-an-address' is not an e-mail address"
    }
    assert report.skipped == {
        "declined: said no, so not expected at the event": 1,
        "waitlisted: never given a place, so not expected at the event": 1,
    }
    assert attended(runtime) == 2
    first = member(runtime, "other", "gst-1").id
    engagement = "SELECT interactions FROM member_engagement WHERE member_id = %s"
    assert scalar(runtime.database_url, engagement, (first,)) == 1


def test_the_same_file_twice_adds_nothing(
    runtime: Runtime, meetup: tuple[UUID, Path, ImportReport]
) -> None:
    event, path, _ = meetup
    before = (figures(runtime, event), attended(runtime), members(runtime))

    again = imported(runtime, "attendees", path, event=event)

    assert (again.imported, again.duplicates) == (0, 3)
    assert (figures(runtime, event), attended(runtime), members(runtime)) == before


def test_an_unknown_or_cancelled_event_is_refused_before_any_row(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = luma_list(tmp_path / "later.csv", guest(10, came=True), guest(11))
    called_off = scheduled(runtime, STARTS + timedelta(days=30))
    use_cases(runtime).events.cancel(cmd.CancelCommunityEvent(event_id=called_off, reason="rain"))
    before = members(runtime)

    with pytest.raises(CommunityEventNotFound):
        imported(runtime, "attendees", path, event=uuid4())
    with pytest.raises(EventIsCancelled):
        imported(runtime, "attendees", path, event=called_off)

    assert members(runtime) == before


def test_strict_applies_nothing_from_a_list_with_a_bad_row(
    runtime: Runtime, tmp_path: Path
) -> None:
    event = scheduled(runtime, STARTS - timedelta(days=7))
    path = luma_list(tmp_path / "bad.csv", guest(20, came=True), guest(21, "maybe"))
    before = members(runtime)

    strict = imported(runtime, "attendees", path, event=event, strict=True)

    assert not strict.applied and list(failures(strict)) == [("bad.csv", "line 3")]
    assert figures(runtime, event).registered == 0 and members(runtime) == before
