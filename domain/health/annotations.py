"""A manager's own cause for a spike, recorded as an event of a SpikeAnnotation."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from eventsourcing.domain import Aggregate
from pydantic import AfterValidator

from domain.commands import Command
from domain.errors import InvalidField
from domain.texts import check_free_text
from domain.values import Channel

# A cause is a sentence or two ("the v2 release", "the Berlin meetup"), not a report.
MAX_CAUSE = 500


# Days a community can have had activity on: interactions before 1990 are refused.
EARLIEST_DAY = date(1990, 1, 1)
LATEST_DAY = date(2999, 12, 31)


def check_day(value: date, field: str = "day") -> date:
    """A day between EARLIEST_DAY and LATEST_DAY (far dates would overflow the windows)."""
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise InvalidField(field, f"must be between {EARLIEST_DAY} and {LATEST_DAY}")
    return value


def _day(value: date) -> date:
    try:
        return check_day(value)
    except InvalidField as error:
        raise ValueError(error.message) from None


def check_cause(value: str) -> str:
    """Free text without hidden controls, within MAX_CAUSE (not personal data, but typed)."""
    return check_free_text(value, "cause", MAX_CAUSE)


class AnnotateSpike(Command):
    """Say what caused the activity of a day (all channels when channel is None)."""

    day: Annotated[date, AfterValidator(_day)]
    channel: Channel | None = None
    cause: Annotated[str, AfterValidator(check_cause)]
    by: UUID | None = None  # the staff member who annotates, if named
    recorded_with: UUID | None = None  # the API key that recorded it


class SpikeAnnotation(Aggregate):
    """One annotation of one day's activity; a spike may carry several."""

    TOPIC = "crm.health.SpikeAnnotation"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.health.Created"

    class Annotated(Aggregate.Created):
        """A manager gave a cause of their own for a day's activity on a channel ("": all)."""

        TOPIC = "crm.health.SpikeAnnotated"
        day: str  # ISO date: the spike's day (its period start)
        channel: str
        cause: str
        by: UUID | None
        recorded_with: UUID | None

    @classmethod
    def annotate(cls, command: AnnotateSpike) -> SpikeAnnotation:
        """A new annotation; the cause is checked again, whatever built the command."""
        try:
            cause = check_cause(command.cause)
        except ValueError as error:
            raise InvalidField("cause", str(error)) from None
        return cls._create(
            cls.Annotated,
            day=command.day.isoformat(),
            channel=command.channel.value if command.channel else "",
            cause=cause,
            by=command.by,
            recorded_with=command.recorded_with,
        )

    def __init__(
        self, *, day: str, channel: str, cause: str, by: UUID | None, recorded_with: UUID | None
    ) -> None:
        self.day = date.fromisoformat(day)
        self.channel = channel
        self.cause = cause
        self.by = by
        self.recorded_with = recorded_with
