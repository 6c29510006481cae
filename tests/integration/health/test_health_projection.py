"""The health projection: active, new and interactions per period as known on a day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.errors import InvalidField
from domain.feedback import FeedbackItem, FeedbackKind
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from projections.engine import ProjectionRunner
from projections.health.queries import counts
from tests.integration.conftest import rows

pytestmark = pytest.mark.integration

# The days events are recorded on (their `timestamp`): the asOf dimension.
DAY1, DAY2, DAY3 = date(2026, 4, 1), date(2026, 4, 5), date(2026, 4, 10)
# Each health table, without the rows a live page leaves at zero (a +1 and a -1 of one
# recorded day in different pages): the set-based rebuild writes none of them.
TABLES = {
    "health_members": "true",
    "health_member_periods": "true",
    "health_member_lasts": "true",
    "health_counts": "delta <> 0",
    "health_daily": "interactions <> 0",
    "health_rollups": "delta <> 0",
    "health_rollup_totals": "members <> 0",
    "health_membership_days": "(joined, left_) <> (0, 0)",
    "health_cohorts": "members <> 0",
    "health_threads": "interactions <> 0",
    "health_member_threads": "true",
    "health_newcomers": "members <> 0",
}


class Clock:
    """The recording time of every new event, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 4, 1, 10, tzinfo=UTC)

    def on(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def health_runner(runtime: Runtime, batch_size: int = 4) -> ProjectionRunner:
    """The runner of the `health` projection."""
    return next(r for r in build_runners(runtime, batch_size=batch_size) if r.name == "health")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def record(runtime: Runtime, member: object, when: str, channel: str = "slack", **f: str) -> None:
    """One interaction of a member at an instant (UTC)."""
    runtime.community.record_interactions(
        [
            RecordInteraction(
                member_id=member,  # type: ignore[arg-type]
                channel=channel,  # type: ignore[arg-type]
                kind=f.get("kind", "message"),  # type: ignore[arg-type]
                occurred_at=at(when),
                external_id=f"{member}-{when}-{channel}",
            )
        ],
        create_unknown_members=False,
    )


def join(runtime: Runtime, name: str) -> object:
    return runtime.community.join_member(cmd.JoinMember(display_name=name)).member.id


def totals(
    runtime: Runtime, granularity: str, as_of: date | None = None, channel: str = ""
) -> dict[str, dict[str, int]]:
    """Non-zero totals per period (ISO dates) from February to April 2026."""
    found = counts(runtime.pool, granularity, date(2026, 2, 1), date(2026, 4, 1), channel, as_of)
    return {
        p.isoformat(): kept
        for p, metrics in sorted(found.items())
        if (kept := {m: n for m, n in sorted(metrics.items()) if n})
    }


def community(runtime: Runtime, clock: Clock) -> dict[str, object]:
    """Alice and Bob on both sides of period boundaries, a bot, Carol later staff (DAY2),
    and a late interaction of Bob's before all others (DAY3)."""
    clock.on(DAY1)
    alice, bob, carol, bot = (join(runtime, n) for n in ("Alice", "Bob", "Carol", "Bot"))
    runtime.community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=bot))  # type: ignore[arg-type]
    # Saturday 28 February 23:59:59 is in the week of Monday 23 February and in February;
    # Sunday 1 March 00:00 in the same week but in March; Monday 9 March opens a week.
    record(runtime, alice, "2026-02-28T23:59:59")
    record(runtime, alice, "2026-03-01T00:00:00")
    record(runtime, bob, "2026-03-01T00:00:00", "github", kind="issue")
    record(runtime, bob, "2026-03-08T23:59:59")
    record(runtime, bob, "2026-03-09T00:00:00")
    record(runtime, bot, "2026-03-02T12:00:00")
    record(runtime, carol, "2026-03-03T12:00:00")
    clock.on(DAY2)
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=carol))  # type: ignore[arg-type]
    clock.on(DAY3)
    record(runtime, bob, "2026-02-20T08:00:00")
    return {"alice": alice, "bob": bob, "carol": carol, "bot": bot}


WEEKS_DAY1 = {
    "2026-02-23": {"active": 2, "interactions": 3, "new": 2},
    "2026-03-02": {"active": 2, "interactions": 2, "new": 1},
    "2026-03-09": {"active": 1, "interactions": 1},
}
MONTHS_DAY1 = {
    "2026-02-01": {"active": 1, "interactions": 1, "new": 1},
    "2026-03-01": {"active": 3, "interactions": 5, "new": 2},
}


def test_periods_split_at_midnight_utc_and_bots_are_left_out(
    runtime: Runtime, clock: Clock
) -> None:
    community(runtime, clock)
    health_runner(runtime).catch_up()
    assert totals(runtime, "week", DAY1) == WEEKS_DAY1
    assert totals(runtime, "month", DAY1) == MONTHS_DAY1
    assert totals(runtime, "week", DAY1, "github") == {
        "2026-02-23": {"active": 1, "interactions": 1}
    }
    assert totals(runtime, "week", DAY1, "slack") == {
        "2026-02-23": {"active": 1, "interactions": 2},
        "2026-03-02": {"active": 2, "interactions": 2},
        "2026-03-09": {"active": 1, "interactions": 1},
    }
    daily = rows(
        runtime.database_url,
        "SELECT day::text, channel, kind, sum(interactions)::int FROM health_daily"
        " WHERE day BETWEEN '2026-02-28' AND '2026-03-02' GROUP BY 1, 2, 3 ORDER BY 1, 2",
    )
    # The bot's message of 2 March is not there.
    assert daily == [
        ("2026-02-28", "slack", "message", 1),
        ("2026-03-01", "github", "issue", 1),
        ("2026-03-01", "slack", "message", 1),
    ]


def test_a_member_marked_staff_after_interacting_is_taken_out_from_that_day(
    runtime: Runtime, clock: Clock
) -> None:
    community(runtime, clock)
    health_runner(runtime).catch_up()
    # As known on DAY1, Carol was not staff yet; from DAY2 her contributions are gone.
    assert totals(runtime, "week", DAY1) == WEEKS_DAY1
    assert totals(runtime, "week", DAY2) == {
        "2026-02-23": {"active": 2, "interactions": 3, "new": 2},
        "2026-03-02": {"active": 1, "interactions": 1},
        "2026-03-09": {"active": 1, "interactions": 1},
    }
    assert totals(runtime, "month", DAY2) == {
        "2026-02-01": {"active": 1, "interactions": 1, "new": 1},
        "2026-03-01": {"active": 2, "interactions": 4, "new": 1},
    }
    # Unmarked, she counts again (her rows were kept).
    carol = rows(runtime.database_url, "SELECT member_id FROM health_members WHERE is_staff")[0][0]
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=carol, is_staff=False))
    health_runner(runtime).catch_up()
    assert totals(runtime, "month")["2026-03-01"] == {"active": 3, "interactions": 5, "new": 1}


def test_a_late_interaction_changes_later_answers_not_earlier_ones(
    runtime: Runtime, clock: Clock
) -> None:
    community(runtime, clock)
    health_runner(runtime).catch_up()
    before = {"2026-02-01": {"active": 1, "interactions": 1, "new": 1}}
    assert {k: v for k, v in totals(runtime, "month", DAY2).items() if k < "2026-03"} == before
    # Bob's interaction of 20 February, recorded on DAY3, makes it his first ever:
    # he is new in February (and in the week of 16 February), no longer in March.
    assert totals(runtime, "month", DAY3) == {
        "2026-02-01": {"active": 2, "interactions": 2, "new": 2},
        "2026-03-01": {"active": 2, "interactions": 4},
    }
    assert totals(runtime, "month") == totals(runtime, "month", DAY3)
    assert totals(runtime, "week", DAY3) == {
        "2026-02-16": {"active": 1, "interactions": 1, "new": 1},
        "2026-02-23": {"active": 2, "interactions": 3, "new": 1},
        "2026-03-02": {"active": 1, "interactions": 1},
        "2026-03-09": {"active": 1, "interactions": 1},
    }
    # The move is recorded on DAY3: -1 in March, +1 in February.
    assert rows(
        runtime.database_url,
        "SELECT period::text, delta FROM health_counts WHERE granularity = 'month'"
        " AND metric = 'new' AND recorded_day = %s ORDER BY period",
        (DAY3,),
    ) == [("2026-02-01", 1), ("2026-03-01", -1)]


def test_an_erased_member_leaves_counts_and_period_rows(runtime: Runtime, clock: Clock) -> None:
    members = community(runtime, clock)
    runtime.community.erase_member(cmd.EraseMember(member_id=members["alice"]))  # type: ignore[arg-type]
    health_runner(runtime).catch_up()
    assert totals(runtime, "month") == {
        "2026-02-01": {"active": 1, "interactions": 1, "new": 1},
        "2026-03-01": {"active": 1, "interactions": 3},
    }
    assert rows(
        runtime.database_url,
        "SELECT count(*) FROM health_member_periods WHERE member_id = %s",
        (members["alice"],),
    ) == [(0,)]


def snapshot(runtime: Runtime) -> dict[str, list[tuple[object, ...]]]:
    """Every health table's rows (non-zero ones), in a stable order."""
    return {
        name: sorted(rows(runtime.database_url, f"SELECT * FROM {name} WHERE {kept}"), key=repr)
        for name, kept in TABLES.items()
    }


def test_a_rebuild_gives_the_rows_of_live_processing(runtime: Runtime, clock: Clock) -> None:
    community(runtime, clock)
    health_runner(runtime, batch_size=1).catch_up()
    live = snapshot(runtime)
    assert live["health_counts"]
    runner = health_runner(runtime, batch_size=500)
    runner.reset(replay=True)
    runner.catch_up()
    assert snapshot(runtime) == live


def feedback(runtime: Runtime, author: object, kind: FeedbackKind, when: str) -> None:
    """Feedback the author gave on Slack, saved through the Community."""
    item = FeedbackItem.submit(
        author_id=author,  # type: ignore[arg-type]
        channel="slack",
        kind=kind,
        text=f"{kind.value} from {author}",
        submitted_at=at(when),
        now=datetime.now(UTC),
    )
    runtime.community.save(item)


def test_praise_counts_as_an_interaction_and_a_bug_report_does_not(
    runtime: Runtime, clock: Clock
) -> None:
    alice, bob = join(runtime, "Alice"), join(runtime, "Bob")
    feedback(runtime, alice, FeedbackKind.PRAISE, "2026-03-10T09:00:00")
    feedback(runtime, bob, FeedbackKind.BUG, "2026-03-10T09:00:00")
    health_runner(runtime).catch_up()
    assert totals(runtime, "week") == {"2026-03-09": {"active": 1, "interactions": 1, "new": 1}}
    assert rows(
        runtime.database_url, "SELECT day::text, channel, kind, interactions FROM health_daily"
    ) == [("2026-03-10", "slack", "feedback", 1)]


def test_counts_refuse_a_granularity_without_rollups_and_a_reversed_span(
    runtime: Runtime,
) -> None:
    with pytest.raises(InvalidField) as refused:
        counts(runtime.pool, "year", date(2026, 1, 1), date(2027, 1, 1))
    assert refused.value.field == "granularity"
    with pytest.raises(InvalidField) as refused:
        counts(runtime.pool, "week", date(2026, 2, 1), date(2026, 1, 1))
    assert refused.value.field == "to"
