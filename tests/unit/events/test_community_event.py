"""The CommunityEvent aggregate: scheduling, registrations, check-ins and cancellation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from pydantic import ValidationError

from domain.errors import InvalidField
from domain.events import (
    CHECK_IN_GRACE,
    CheckInTooEarly,
    CommunityEvent,
    EventAlreadyHeld,
    EventIsCancelled,
    EventKind,
    EventStatus,
)
from domain.events import commands as cmd
from domain.events.figures import AttendanceCounts, event_figures
from domain.moments import DEFAULT_BOUNDS, MomentInTheFuture

NOW = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)
STARTS = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
ENDS = STARTS + timedelta(hours=3)


def scheduled(**fields: object) -> CommunityEvent:
    values: dict[str, object] = {
        "title": "Berlin meetup",
        "kind": EventKind.MEETUP,
        "starts_at": STARTS,
        "ends_at": ENDS,
        "channel": "meetup",
        "place": None,
        "host_ids": [],
        "now": NOW - timedelta(days=10),
    }
    return CommunityEvent.schedule(**(values | fields))  # type: ignore[arg-type]


def test_an_event_ends_after_it_starts() -> None:
    with pytest.raises(InvalidField) as refused:
        scheduled(ends_at=STARTS)
    assert refused.value.field == "ends_at"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": STARTS + timedelta(days=15)}, "ends_at"),
        (
            {"starts_at": NOW + timedelta(days=2000), "ends_at": NOW + timedelta(days=2001)},
            "starts_at",
        ),
        ({"starts_at": datetime(1980, 1, 1, tzinfo=UTC)}, "starts_at"),
        ({"channel": None, "place": None}, "place"),
    ],
)
def test_implausible_events_are_refused_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidField) as refused:
        scheduled(**fields)
    assert refused.value.field == field


def test_registering_twice_is_one_registration() -> None:
    event, member = scheduled(), uuid4()
    assert event.register(member, at=NOW, now=NOW, bounds=DEFAULT_BOUNDS)
    assert not event.register(member, at=NOW, now=NOW, bounds=DEFAULT_BOUNDS)
    assert list(event.registrations) == [member]
    assert len(event.collect_events()) == 2  # scheduled, registered once


def test_a_check_in_without_registration_registers_too_and_twice_is_once() -> None:
    event, member = scheduled(), uuid4()
    assert event.check_in(member, at=NOW, now=NOW, bounds=DEFAULT_BOUNDS)
    assert not event.check_in(member, at=NOW, now=NOW, bounds=DEFAULT_BOUNDS)
    assert event.registrations == {member: NOW} and event.check_ins == {member: NOW}
    kinds = [type(e).__name__ for e in event.collect_events()]
    assert kinds == ["Scheduled", "Registered", "CheckedIn"]


def test_doors_open_a_grace_before_the_start_and_not_earlier() -> None:
    event = scheduled()
    assert event.check_in(uuid4(), at=STARTS - CHECK_IN_GRACE, now=NOW, bounds=DEFAULT_BOUNDS)
    with pytest.raises(CheckInTooEarly) as refused:
        event.check_in(
            uuid4(),
            at=STARTS - CHECK_IN_GRACE - timedelta(seconds=1),
            now=NOW,
            bounds=DEFAULT_BOUNDS,
        )
    assert refused.value.opens_at == STARTS - CHECK_IN_GRACE


def test_a_check_in_is_neither_after_the_end_nor_in_the_future() -> None:
    event = scheduled()
    with pytest.raises(InvalidField) as refused:
        event.check_in(
            uuid4(),
            at=ENDS + timedelta(minutes=1),
            now=ENDS + timedelta(days=1),
            bounds=DEFAULT_BOUNDS,
        )
    assert refused.value.field == "checked_in_at"
    with pytest.raises(MomentInTheFuture):
        event.check_in(uuid4(), at=NOW + timedelta(hours=1), now=NOW, bounds=DEFAULT_BOUNDS)


def test_a_check_in_recorded_after_the_event_is_dated_at_its_start() -> None:
    event = scheduled()
    assert event.check_in_time(NOW) == NOW
    assert event.check_in_time(ENDS + timedelta(days=1)) == STARTS


def test_a_scheduled_host_checking_in_hosts_and_an_attendee_can_be_made_host() -> None:
    host, guest = uuid4(), uuid4()
    event = scheduled(host_ids=[host, host])
    assert event.host_ids == [host]
    event.check_in(host, at=NOW, now=NOW, bounds=DEFAULT_BOUNDS)
    event.check_in(guest, at=NOW, now=NOW, bounds=DEFAULT_BOUNDS, as_host=True)
    hosting = [e.as_host for e in event.collect_events() if type(e).__name__ == "CheckedIn"]
    assert hosting == [True, True] and event.host_ids == [host, guest]


def test_a_cancelled_event_takes_nothing_more() -> None:
    event = scheduled()
    event.cancel(reason="venue closed", at=NOW)
    assert event.status is EventStatus.CANCELLED
    for act in (
        lambda: event.register(uuid4(), at=NOW, now=NOW, bounds=DEFAULT_BOUNDS),
        lambda: event.check_in(uuid4(), at=NOW, now=NOW, bounds=DEFAULT_BOUNDS),
        lambda: event.cancel(reason="again", at=NOW),
        lambda: event.reschedule(
            starts_at=STARTS, ends_at=ENDS + timedelta(hours=1), now=NOW, bounds=DEFAULT_BOUNDS
        ),
    ):
        with pytest.raises(EventIsCancelled):
            act()


def test_an_event_that_took_place_is_neither_moved_nor_cancelled() -> None:
    event = scheduled()
    event.check_in(uuid4(), at=NOW, now=NOW, bounds=DEFAULT_BOUNDS)
    with pytest.raises(EventAlreadyHeld):
        event.cancel(reason="too late", at=NOW)
    with pytest.raises(EventAlreadyHeld):
        event.reschedule(
            starts_at=STARTS, ends_at=ENDS + timedelta(hours=1), now=NOW, bounds=DEFAULT_BOUNDS
        )


def test_rescheduling_moves_the_times_and_the_same_times_record_nothing() -> None:
    event = scheduled()
    event.reschedule(starts_at=STARTS, ends_at=ENDS, now=NOW, bounds=DEFAULT_BOUNDS)
    later = STARTS + timedelta(days=7)
    event.reschedule(
        starts_at=later, ends_at=later + timedelta(hours=2), now=NOW, bounds=DEFAULT_BOUNDS
    )
    assert event.starts_at == later and event.version == 2


def test_the_commands_refuse_a_huge_title_a_naive_time_and_too_many_hosts() -> None:
    good = {"title": "Meetup", "kind": "meetup", "starts_at": STARTS, "ends_at": ENDS}
    with pytest.raises(ValidationError, match="title"):
        cmd.ScheduleCommunityEvent(**(good | {"title": "x" * 201}))
    with pytest.raises(ValidationError, match="timezone"):
        cmd.ScheduleCommunityEvent(**(good | {"starts_at": "2026-11-20T18:00:00"}))
    with pytest.raises(ValidationError, match="host_ids"):
        cmd.ScheduleCommunityEvent(**(good | {"host_ids": [uuid4() for _ in range(21)]}))
    with pytest.raises(ValidationError, match="reason"):
        cmd.CancelCommunityEvent(event_id=uuid4(), reason=" ")


def test_figures_wait_for_the_end_and_for_eight_weeks() -> None:
    counts = AttendanceCounts(registered=4, attended=3, first_timers=2, newcomers=2, retained=1)
    during = event_figures(counts, starts_at=STARTS, ends_at=ENDS, now=NOW)
    assert during.no_show_rate is None and during.retained_newcomers is None
    after = event_figures(counts, starts_at=STARTS, ends_at=ENDS, now=ENDS)
    assert after.no_show_rate == 0.25 and after.retained_newcomers is None
    later = event_figures(counts, starts_at=STARTS, ends_at=ENDS, now=STARTS + timedelta(weeks=8))
    assert later.retained_newcomers == 1
    empty = AttendanceCounts(0, 0, 0, 0, 0)
    assert event_figures(empty, starts_at=STARTS, ends_at=ENDS, now=ENDS).no_show_rate is None
