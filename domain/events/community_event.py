"""The CommunityEvent aggregate: a meetup, webinar, talk, hackathon or AMA, and who came."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import InvalidField
from domain.events.errors import CheckInTooEarly, EventAlreadyHeld, EventIsCancelled
from domain.events.events import Cancelled, CheckedIn, Registered, Rescheduled, Scheduled
from domain.moments import DEFAULT_BOUNDS, TimeBounds

# Doors open before the start: people arrive early, and webinars let them in before the hour.
CHECK_IN_GRACE = timedelta(hours=1)
# The longest event (a week-long hackathon, a conference) and the furthest one planned:
# beyond these a date is a typing mistake, not a plan.
MAX_DURATION = timedelta(days=14)
MAX_AHEAD = timedelta(days=3 * 366)


class EventKind(StrEnum):
    """What sort of gathering it is: stored by value in events and in the read model."""

    MEETUP = "meetup"
    WEBINAR = "webinar"
    CONFERENCE_TALK = "conference_talk"
    HACKATHON = "hackathon"
    ONLINE_AMA = "online_ama"


class EventStatus(StrEnum):
    """Where an event stands: scheduled (and maybe held since), or cancelled."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


def check_times(starts_at: datetime, ends_at: datetime, now: datetime, bounds: TimeBounds) -> None:
    """The event ends after it starts, lasts at most MAX_DURATION, and is at most MAX_AHEAD away."""
    if starts_at < bounds.earliest:
        raise InvalidField("starts_at", f"must not be before {bounds.earliest.isoformat()}")
    if starts_at - now > MAX_AHEAD:
        raise InvalidField("starts_at", f"must be within {MAX_AHEAD.days} days from now")
    if ends_at <= starts_at:
        raise InvalidField("ends_at", "must be after startsAt")
    if ends_at - starts_at > MAX_DURATION:
        raise InvalidField("ends_at", f"an event lasts at most {MAX_DURATION.days} days")


class CommunityEvent(Aggregate):
    """One community event, from scheduling to its registrations and check-ins, or cancelled."""

    TOPIC = "crm.events.CommunityEvent"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.events.CommunityEventCreated"

    @classmethod
    def schedule(
        cls,
        *,
        title: str,
        kind: EventKind,
        starts_at: datetime,
        ends_at: datetime,
        channel: str | None,
        place: str | None,
        host_ids: list[UUID],
        now: datetime,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> CommunityEvent:
        """A new event: held online on a channel, at a place, or both."""
        check_times(starts_at, ends_at, now, bounds)
        if channel is None and place is None:
            raise InvalidField("place", "give the channel it is held on, a place, or both")
        return cls._create(
            Scheduled,
            title=title,
            kind=kind.value,
            starts_at=starts_at,
            ends_at=ends_at,
            channel=channel,
            place=place,
            host_ids=list(dict.fromkeys(host_ids)),
            at=now,
        )

    def __init__(
        self,
        *,
        title: str,
        kind: str,
        starts_at: datetime,
        ends_at: datetime,
        channel: str | None,
        place: str | None,
        host_ids: list[UUID],
        at: datetime,
    ) -> None:
        self.title = title
        self.kind = EventKind(kind)
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.channel = channel
        self.place = place
        self.host_ids = list(host_ids)
        self.scheduled_at = at
        self.registrations: dict[UUID, datetime] = {}
        self.check_ins: dict[UUID, datetime] = {}
        self.cancelled_at: datetime | None = None
        self.cancel_reason: str | None = None

    @property
    def status(self) -> EventStatus:
        """Scheduled, or cancelled."""
        return EventStatus.CANCELLED if self.cancelled_at else EventStatus.SCHEDULED

    @property
    def opens_at(self) -> datetime:
        """The first moment a check-in is accepted."""
        return self.starts_at - CHECK_IN_GRACE

    def check_in_time(self, now: datetime) -> datetime:
        """When a check-in recorded now, without a time, happened.

        While the event is on, now; once it ended, its start: the check-in is recorded
        afterwards (from a list of who came), and the time they arrived is not known.
        """
        return now if now < self.ends_at else self.starts_at

    def reschedule(
        self, *, starts_at: datetime, ends_at: datetime, now: datetime, bounds: TimeBounds
    ) -> None:
        """Move the event to new times, until someone checked in."""
        self._open()
        if self.check_ins:
            raise EventAlreadyHeld(self.id)
        check_times(starts_at, ends_at, now, bounds)
        if (starts_at, ends_at) != (self.starts_at, self.ends_at):
            self.trigger_event(Rescheduled, starts_at=starts_at, ends_at=ends_at, at=now)

    def register(self, member_id: UUID, *, at: datetime, now: datetime, bounds: TimeBounds) -> bool:
        """Register the member; False (and nothing recorded) when they already were."""
        self._open()
        bounds.check("registered_at", at, now)
        if member_id in self.registrations:
            return False
        self.trigger_event(Registered, member_id=member_id, at=at)
        return True

    def check_in(
        self,
        member_id: UUID,
        *,
        at: datetime,
        now: datetime,
        bounds: TimeBounds,
        as_host: bool = False,
        registered_at: datetime | None = None,
    ) -> bool:
        """Record that the member came, registering them first if they had not; False (and
        nothing recorded) when they were checked in already. A host's check-in says so."""
        self._open()
        bounds.check("checked_in_at", at, now)
        if at < self.opens_at:
            raise CheckInTooEarly(self.id, self.opens_at)
        if at > self.ends_at:
            raise InvalidField("checked_in_at", "must not be after the event ended")
        if member_id in self.check_ins:
            return False
        if member_id not in self.registrations:
            registered = at if registered_at is None else min(registered_at, at)
            self.register(member_id, at=registered, now=now, bounds=bounds)
        hosting = as_host or member_id in self.host_ids
        self.trigger_event(CheckedIn, member_id=member_id, at=at, as_host=hosting)
        return True

    def cancel(self, *, reason: str, at: datetime) -> None:
        """Call the event off, saying why; not once it took place."""
        self._open()
        if self.check_ins:
            raise EventAlreadyHeld(self.id)
        self.trigger_event(Cancelled, reason=reason, at=at)

    def _open(self) -> None:
        """EventIsCancelled once the event was cancelled: nothing more happens to it."""
        if self.cancelled_at is not None:
            raise EventIsCancelled(self.id)
