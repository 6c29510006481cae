"""The spike rollups (threads, events, newcomers) against the causes read straight from the
interactions: the same answer now, and as of each day the answer that was read that day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.health.windows import Evidence, SpikeDays
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from domain.values import Channel
from projections.health import spike_queries
from projections.health.spike_queries import SpikeSourcesSql
from tests.integration.conftest import rows
from tests.integration.health import raw_spike_causes
from tests.integration.health.test_health_projection import Clock, health_runner

pytestmark = pytest.mark.integration

SPIKE, EARLIER = date(2026, 3, 12), date(2026, 3, 8)
DAYS = (EARLIER, SPIKE, date(2026, 3, 13))
# The days things are recorded on: the asOf answers checked.
FIRST, LATE, STAFF, ERASED = (date(2026, 3, d) for d in (14, 16, 18, 20))
Answers = dict[str, dict[date, Evidence]]


def join(runtime: Runtime, name: str, source: Channel) -> UUID:
    command = cmd.JoinMember(display_name=name, source_channel=source)
    return runtime.community.join_member(command).member.id


def said(
    member: UUID, day: date, n: int, channel: str, thread: str | None, kind: str = "message"
) -> RecordInteraction:
    return RecordInteraction(
        member_id=member,
        channel=channel,  # type: ignore[arg-type]
        kind=kind,  # type: ignore[arg-type]
        occurred_at=datetime(day.year, day.month, day.day, 9, n % 60, tzinfo=UTC),
        external_id=f"{member}-{day}-{channel}-{n}",
        thread_ref=thread,
    )


def record(runtime: Runtime, batch: list[RecordInteraction]) -> None:
    runtime.community.record_interactions(batch, create_unknown_members=False)
    for runner in build_runners(runtime):
        runner.catch_up()


def answers(runtime: Runtime, as_of: date | None = None, *, raw: bool = False) -> Answers:
    """Each day's evidence on all channels and on github, from the rollups or the raw rows."""
    sources = SpikeSourcesSql(runtime.pool)
    found: Answers = {}
    with pytest.MonkeyPatch.context() as patch:
        if raw:
            patch.setattr(spike_queries, "THREADS_AND_EVENTS", raw_spike_causes.THREADS_AND_EVENTS)
            patch.setattr(spike_queries, "NEWCOMERS", raw_spike_causes.NEWCOMERS)
        for channel in ("", "github"):
            found[channel] = sources.evidence(SpikeDays(DAYS, 8, channel, as_of), 5)
    return found


def grow(runtime: Runtime, clock: Clock) -> dict[date, Answers]:
    """A community recorded over four days, and the raw answer read at the end of each."""
    read: dict[date, Answers] = {}
    clock.on(FIRST)
    alice = join(runtime, "Alice", Channel.SLACK)
    carol = join(runtime, "Carol", Channel.DISCORD)
    new = [join(runtime, f"New {n}", Channel.GITHUB) for n in range(4)]
    batch = [said(alice, EARLIER + timedelta(d), d, "github", "gh-7") for d in range(-3, 6)]
    batch += [said(m, SPIKE, n, "github", "gh-42") for m in new for n in (1, 2)]
    batch += [said(new[0], SPIKE, 3, "github", "gh-42", "talk_given")]
    batch += [said(carol, SPIKE, 1, "meetup", None, "event_attended")]
    batch += [said(carol, SPIKE, 2, "meetup", "berlin", "event_hosted")]
    record(runtime, batch)
    read[FIRST] = answers(runtime, raw=True)
    # A late interaction: Alice's three in gh-42 on the spike day; and a newcomer whose
    # first interaction moves earlier, into the window.
    clock.on(LATE)
    late = [said(alice, SPIKE, n, "github", "gh-42") for n in (7, 8, 9)]
    record(runtime, [*late, said(new[1], EARLIER, 1, "github", "gh-7")])
    read[LATE] = answers(runtime, raw=True)
    clock.on(STAFF)  # a newcomer marked staff later
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=new[2]))
    record(runtime, [])
    read[STAFF] = answers(runtime, raw=True)
    clock.on(ERASED)  # an erased newcomer, who gave the talk
    runtime.community.erase_member(cmd.EraseMember(member_id=new[0]))
    record(runtime, [])
    read[ERASED] = answers(runtime, raw=True)
    return read


def test_the_rollups_answer_as_the_raw_rows_did_on_each_day(runtime: Runtime, clock: Clock) -> None:
    read = grow(runtime, clock)
    assert answers(runtime) == read[ERASED]
    for day, then in read.items():
        assert (day, answers(runtime, day)) == (day, then)
    # The days did differ: each change moved a cause.
    spike = [read[day][""][SPIKE] for day in (FIRST, LATE, STAFF, ERASED)]
    assert [u.observed for u in (e.threads[0] for e in spike)] == [9, 12, 10, 7]
    assert [e.newcomers[0].observed for e in spike] == [4, 3, 2, 1]
    assert [[e.name for e in e.events] for e in spike] == [
        ["berlin", "event_attended on meetup", "gh-42"],
        ["berlin", "event_attended on meetup", "gh-42"],
        ["berlin", "event_attended on meetup", "gh-42"],
        ["berlin", "event_attended on meetup"],
    ]


def test_a_rebuild_writes_the_live_rollups(runtime: Runtime, clock: Clock) -> None:
    read = grow(runtime, clock)
    tables = ("health_threads", "health_member_threads", "health_newcomers")
    kept = {"health_threads": "interactions", "health_newcomers": "members"}

    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        return {
            t: sorted(rows(runtime.database_url, f"SELECT * FROM {t} WHERE {kept.get(t, 1)} <> 0"))
            for t in tables
        }

    live = snapshot()
    assert all(live.values())
    runner = health_runner(runtime, batch_size=500)
    runner.reset(replay=True)
    runner.catch_up()
    assert snapshot() == live
    assert answers(runtime, STAFF) == read[STAFF]
