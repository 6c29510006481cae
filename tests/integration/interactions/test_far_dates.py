"""Interactions of long ago, recorded through the application, projected like any other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.interactions.engagement import DEFAULT_RULE
from projections.parking import parked_counts
from projections.positions import head_of_log
from projections.registry import projection_names
from tests.integration.conftest import Unbounded, rows, scalar
from tests.integration.interactions.test_engagement_projection import joined

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
LONG_AGO = (datetime(1900, 1, 1, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC))
POSITION = "SELECT position FROM projection_positions WHERE name = %s"
# Every rank key, overall and per channel, with what it counts.
KEYS = """
SELECT 'member', member_id::text, interactions, rank_key FROM member_engagement
UNION ALL
SELECT 'channel', member_id::text || channel, interactions, rank_key
FROM member_channel_engagement
ORDER BY 1, 2
"""


def message(member: object, at: datetime, external_id: str) -> RecordInteraction:
    """A message on Slack at a given time."""
    return RecordInteraction(
        member_id=member, channel="slack", kind="message", occurred_at=at, external_id=external_id
    )


def record(runtime: Runtime, *records: RecordInteraction) -> None:
    """Record interactions as a version without time bounds did, asserting each is accepted."""
    runtime.community.bounds = Unbounded()  # type: ignore[assignment]
    report = runtime.community.record_interactions(list(records), create_unknown_members=False)
    assert report.accepted == len(records), report.rejections


def test_interactions_of_1900_and_year_1_are_projected_next_to_todays(runtime: Runtime) -> None:
    url = runtime.database_url
    old_timer, neighbour = joined(runtime, "Old Timer"), joined(runtime, "Neighbour")
    runners = build_runners(runtime, batch_size=3)
    record(runtime, message(old_timer, NOW - timedelta(days=1), "recent"))
    for runner in runners:
        runner.catch_up()
    # Then, in the same pages as a neighbour's ordinary messages, interactions of long ago.
    record(
        runtime,
        message(neighbour, NOW - timedelta(days=2), "n1"),
        *(message(old_timer, at, f"old-{at.year}") for at in LONG_AGO),
        message(neighbour, NOW - timedelta(days=3), "n2"),
    )
    for runner in runners:
        runner.catch_up()

    head = head_of_log(runtime.pool)
    assert {r.name: scalar(url, POSITION, (r.name,)) for r in runners} == dict.fromkeys(
        projection_names(), head
    )
    assert parked_counts(runtime.pool, projection_names()) == dict.fromkeys(projection_names(), 0)
    found = {
        member: (key, count, first)
        for member, key, count, first in rows(
            url,
            "SELECT member_id, rank_key, interactions, first_interaction_at FROM member_engagement",
        )
    }
    recent = DEFAULT_RULE.increment("message", NOW - timedelta(days=1))
    # Centuries ago weigh nothing today: the old timer's key is their recent message's.
    assert found[old_timer] == (pytest.approx(recent, abs=1e-9), 3, LONG_AGO[1])
    assert found[neighbour][1] == 2
    weeks = rows(
        url, "SELECT min(week) FROM member_activity_weeks WHERE member_id = %s", (old_timer,)
    )
    assert weeks == [(LONG_AGO[1].date(),)]  # 1 January of year 1 was a Monday

    # A rebuild computes the same totals in SQL, in one pass.
    live = rows(url, KEYS)
    engagement = next(r for r in runners if r.name == "engagement")
    engagement.reset(replay=True)
    engagement.catch_up(retrying=True)
    assert parked_counts(runtime.pool, ["engagement"]) == {"engagement": 0}
    rebuilt = rows(url, KEYS)
    assert [r[:3] for r in rebuilt] == [r[:3] for r in live]
    assert [r[3] for r in rebuilt] == pytest.approx([r[3] for r in live], rel=1e-12)


def test_an_instant_before_year_1_in_utc_is_parked_live_and_in_a_rebuild(
    runtime: Runtime,
) -> None:
    """Accepted by the application, but not representable in UTC: a real poison event."""
    url = runtime.database_url
    member, neighbour = joined(runtime, "Time Traveller"), joined(runtime, "Neighbour")
    before_utc = datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    record(
        runtime,
        message(member, NOW - timedelta(days=1), "t1"),
        message(member, before_utc, "t0"),
        message(neighbour, NOW - timedelta(days=2), "n1"),
    )
    engagement = next(r for r in build_runners(runtime, batch_size=10) if r.name == "engagement")
    engagement.max_attempts = 1

    for rebuild in (False, True):
        if rebuild:
            engagement.reset(replay=True)
        engagement.catch_up(retrying=True)
        assert scalar(url, POSITION, ("engagement",)) == head_of_log(runtime.pool)
        assert rows(url, "SELECT external_id FROM member_interactions ORDER BY 1") == [
            ("n1",),
            ("t1",),
        ]
        ((error,),) = rows(url, "SELECT error FROM parked_events WHERE status = 'parked'")
        assert error.startswith("OverflowError")
        assert parked_counts(runtime.pool, ["engagement"]) == {"engagement": 1}
