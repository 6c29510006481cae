"""The span of accepted moments: the domain refuses, with typed errors, what falls outside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidField
from domain.interactions.interaction import Interaction
from domain.members.member import Member
from domain.moments import (
    DEFAULT_BOUNDS,
    DEFAULT_EARLIEST,
    MomentInTheFuture,
    MomentTooEarly,
    TimeBounds,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
# Placeholder dates of other systems, each accepted before the bounds existed.
TOO_EARLY = [
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(1900, 1, 1, tzinfo=UTC),
    datetime(1970, 1, 1, tzinfo=UTC),
    DEFAULT_EARLIEST - timedelta(microseconds=1),
]


@pytest.mark.parametrize("moment", TOO_EARLY)
def test_a_moment_before_the_earliest_date_is_refused(moment: datetime) -> None:
    with pytest.raises(MomentTooEarly) as refused:
        DEFAULT_BOUNDS.check("occurred_at", moment, NOW)
    assert refused.value.field == "occurred_at"
    assert refused.value.message == "must not be before 1990-01-01T00:00:00+00:00"
    assert isinstance(refused.value, InvalidField)


@pytest.mark.parametrize(
    "moment",
    [NOW + timedelta(minutes=5, seconds=1), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)],
)
def test_a_moment_beyond_the_tolerated_skew_is_refused(moment: datetime) -> None:
    with pytest.raises(MomentInTheFuture, match="must not be in the future"):
        DEFAULT_BOUNDS.check("joined_at", moment, NOW)


def test_the_edges_themselves_are_accepted() -> None:
    for moment in (DEFAULT_EARLIEST, NOW, NOW + timedelta(minutes=5)):
        assert DEFAULT_BOUNDS.check("occurred_at", moment, NOW) == moment


def test_configured_bounds_move_both_edges() -> None:
    bounds = TimeBounds(earliest=datetime(2020, 1, 1, tzinfo=UTC), max_future_skew=timedelta(0))
    with pytest.raises(MomentTooEarly):
        bounds.check("occurred_at", datetime(2019, 12, 31, tzinfo=UTC), NOW)
    with pytest.raises(MomentInTheFuture):
        bounds.check("occurred_at", NOW + timedelta(seconds=1), NOW)


@pytest.mark.parametrize("moment", TOO_EARLY[:3])
def test_members_and_interactions_refuse_moments_out_of_bounds(moment: datetime) -> None:
    with pytest.raises(MomentTooEarly):
        Member.join(
            display_name="Ada",
            email=None,
            joined_at=moment,
            source_channel="discord",
            attributes={},
            now=NOW,
        )
    with pytest.raises(MomentTooEarly):
        Interaction.recorded_event(
            member_id=uuid4(),
            channel="discord",
            kind="message",
            occurred_at=moment,
            external_id="x",
            thread_ref=None,
            url=None,
            summary=None,
            now=NOW,
        )


def test_leaving_and_rejoining_are_bounded_too() -> None:
    bounds = TimeBounds(earliest=datetime(2026, 1, 1, tzinfo=UTC))
    member = Member.join(
        display_name="Ada",
        email=None,
        joined_at=datetime(2026, 2, 1, tzinfo=UTC),
        source_channel="discord",
        attributes={},
        now=NOW,
        bounds=bounds,
    )
    with pytest.raises(MomentInTheFuture) as refused:
        member.leave(left_at=NOW + timedelta(days=1), reason=None, now=NOW, bounds=bounds)
    assert refused.value.field == "left_at"
    member.leave(left_at=NOW, reason=None, now=NOW, bounds=bounds)
    with pytest.raises(MomentInTheFuture) as refused:
        member.rejoin(rejoined_at=NOW + timedelta(days=1), now=NOW, bounds=bounds)
    assert refused.value.field == "rejoined_at"
