"""The span of time the community accepts for when something happened, or is judged at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from domain.errors import InvalidField

# Placeholder dates from other systems (0001-01-01, 1900-01-01, the 1970 epoch) are never
# real community activity; 1990 still admits mailing-list and forum archives of the early web.
DEFAULT_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# Clocks of importers and browsers drift: a little future is tolerated, more is a mistake.
DEFAULT_MAX_FUTURE_SKEW = timedelta(minutes=5)


class MomentTooEarly(InvalidField):
    """A moment before the earliest date the community accepts."""

    code = "MOMENT_TOO_EARLY"
    field_code = "moment_too_early"

    def __init__(self, field: str, earliest: datetime) -> None:
        super().__init__(field, f"must not be before {earliest.isoformat()}")
        self.earliest = earliest


class MomentInTheFuture(InvalidField):
    """A moment later than now plus the tolerated clock skew."""

    code = "MOMENT_IN_THE_FUTURE"
    field_code = "moment_in_the_future"

    def __init__(self, field: str) -> None:
        super().__init__(field, "must not be in the future")


@dataclass(frozen=True)
class TimeBounds:
    """Moments are accepted from `earliest` up to now plus `max_future_skew`."""

    earliest: datetime = DEFAULT_EARLIEST
    max_future_skew: timedelta = DEFAULT_MAX_FUTURE_SKEW

    def check(self, field: str, moment: datetime, now: datetime) -> datetime:
        """The moment itself, or MomentTooEarly / MomentInTheFuture naming the field."""
        if moment < self.earliest:
            raise MomentTooEarly(field, self.earliest)
        if moment - now > self.max_future_skew:
            raise MomentInTheFuture(field)
        return moment


DEFAULT_BOUNDS = TimeBounds()


def week_of(moment: datetime) -> date:
    """The Monday (UTC) starting the week of `moment`: the bucket of weekly activity."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())
