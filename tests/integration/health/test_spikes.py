"""Activity spikes on PostgreSQL: a planted burst found with its causes, a flat series none."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import CanCreateTimestamp

from api.projection_wiring import build_runners
from application.feedback.desk import FeedbackDesk
from application.health.spikes import ActivitySpikes
from application.runtime import Runtime
from domain.errors import InvalidField
from domain.feedback import commands as fb
from domain.health import CauseKind, SpikeRule
from domain.health.annotations import AnnotateSpike
from domain.health.windows import SpikeDays
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from domain.values import Channel
from projections.health.spike_queries import SpikeSourcesSql

pytestmark = pytest.mark.integration

MARCH = date(2026, 3, 1)
SPIKE = date(2026, 3, 12)  # the burst; the default window is 4-11 March
THREAD = "gh-issue-42"


def join(runtime: Runtime, name: str, source: Channel = Channel.OTHER) -> UUID:
    command = cmd.JoinMember(display_name=name, source_channel=source)
    return runtime.community.join_member(command).member.id


def said(
    member: UUID, day: date, n: int, channel: str, thread: str | None = None, kind: str = "message"
) -> RecordInteraction:
    at = datetime(day.year, day.month, day.day, 12, n % 60, tzinfo=UTC)
    return RecordInteraction(
        member_id=member,
        channel=channel,  # type: ignore[arg-type]
        kind=kind,  # type: ignore[arg-type]
        occurred_at=at,
        external_id=f"{member}-{day}-{channel}-{n}",
        thread_ref=thread,
    )


def plant(runtime: Runtime) -> dict[str, Any]:
    """Alice on slack and Bob on discord daily from 1 to 14 March (2 a day); on 12 March five
    github newcomers say 2 each in one thread, Carol gives a talk at a meetup; a staff member
    and a bot say 10 each in the thread that day (left out)."""
    alice, bob, carol = (join(runtime, n) for n in ("Alice", "Bob", "Carol"))
    staff, bot = join(runtime, "Staff", Channel.GITHUB), join(runtime, "Bot", Channel.GITHUB)
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=staff))
    runtime.community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=bot))
    new = [join(runtime, f"New {n}", Channel.GITHUB) for n in range(5)]
    batch = [said(carol, MARCH, 0, "slack")]
    for offset in range(14):
        day = MARCH + timedelta(days=offset)
        batch += [said(alice, day, 1, "slack"), said(bob, day, 1, "discord")]
    batch += [said(m, SPIKE, n, "github", THREAD) for m in new for n in (1, 2)]
    batch += [said(m, SPIKE, n, "github", THREAD) for m in (staff, bot) for n in range(10)]
    batch.append(said(carol, SPIKE, 3, "meetup", "berlin-meetup", kind="talk_given"))
    runtime.community.record_interactions(batch, create_unknown_members=False)
    catch_up(runtime)
    return {"alice": alice, "staff": staff, "new": new}


def catch_up(runtime: Runtime) -> None:
    for runner in build_runners(runtime):
        runner.catch_up()


def spikes_of(runtime: Runtime) -> ActivitySpikes:
    return ActivitySpikes(runtime.community, SpikeSourcesSql(runtime.pool), SpikeRule())


def test_a_planted_burst_is_found_with_its_channel_thread_and_newcomers(
    runtime: Runtime,
) -> None:
    plant(runtime)
    found = spikes_of(runtime).spikes(MARCH, date(2026, 3, 15))
    assert [s.spike.start for s in found] == [SPIKE]
    spike = found[0].spike
    # Counted that day: Alice 1, Bob 1, the newcomers 10, Carol's talk 1 (staff, bot out).
    # The usual level is the median of 4-11 March: 2 a day, MAD 0, band max(3, 0.5) = 3.
    assert (spike.activity, spike.level, spike.band, spike.excess) == (13, 2, 3, 11)
    causes = [(c.kind, c.name, c.excess) for c in found[0].causes]
    assert causes == [
        (CauseKind.CHANNEL, "github", 10),
        (CauseKind.THREAD, THREAD, 10),
        (CauseKind.NEWCOMERS, "github", 5),
        (CauseKind.CHANNEL, "meetup", 1),
        (CauseKind.THREAD, "berlin-meetup", 1),
        (CauseKind.EVENT, "berlin-meetup", None),
    ]
    assert found[0].causes[0].share == pytest.approx(10 / 11)


def test_on_one_channel_its_threads_explain_the_spike(runtime: Runtime) -> None:
    plant(runtime)
    (found,) = spikes_of(runtime).spikes(MARCH, date(2026, 3, 15), "github")
    assert (found.spike.activity, found.spike.level, found.channel) == (10, 0, "github")
    assert [(c.kind, c.name) for c in found.causes] == [
        (CauseKind.THREAD, THREAD),
        (CauseKind.NEWCOMERS, "github"),
    ]


def test_a_feedback_item_that_drew_supporters_that_day_is_a_cause(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Supports are dated when recorded: five on the day of the burst (staff's left out)."""
    people = plant(runtime)
    desk = FeedbackDesk(runtime.community)
    submit = fb.SubmitFeedback(
        author_id=people["alice"], channel=Channel.GITHUB, kind="bug", text="It crashes"
    )
    item = desk.submit(submit).item.id
    noon = datetime(2026, 3, 12, 12, tzinfo=UTC)
    monkeypatch.setattr(CanCreateTimestamp, "create_timestamp", staticmethod(lambda: noon))
    for supporter in (*people["new"], people["staff"]):
        desk.support(fb.SupportFeedback(item_id=item, member_id=supporter))
    catch_up(runtime)
    (found,) = spikes_of(runtime).spikes(MARCH, date(2026, 3, 15))
    feedback = [(c.name, c.excess) for c in found.causes if c.kind is CauseKind.FEEDBACK]
    assert feedback == [(str(item), 5)]


def test_a_late_interaction_changes_todays_spikes_not_an_earlier_as_of(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All is recorded on 14 March, then today: Bob's 20 late discord messages of 13 March
    in a thread of their own, and a newcomer's 3 late messages in the github thread of 12
    March. As of 14 March, only the 12 March burst (13 counted) and its causes as they were."""
    recorded = datetime(2026, 3, 14, 18, tzinfo=UTC)
    with monkeypatch.context() as then:
        then.setattr(CanCreateTimestamp, "create_timestamp", staticmethod(lambda: recorded))
        people = plant(runtime)
    bob = join(runtime, "Late Bob")
    late = [said(bob, date(2026, 3, 13), n, "discord", "late-thread") for n in range(20)]
    late += [said(people["new"][0], SPIKE, n, "github", THREAD) for n in (7, 8, 9)]
    runtime.community.record_interactions(late, create_unknown_members=False)
    catch_up(runtime)
    spikes = spikes_of(runtime)
    today = spikes.spikes(MARCH, date(2026, 3, 15))
    assert [(s.spike.start, s.spike.activity) for s in today] == [
        (SPIKE, 16),
        (date(2026, 3, 13), 22),
    ]
    assert (today[0].causes[0].name, today[0].causes[0].excess) == ("github", 13)
    assert [(c.kind, c.name) for c in today[1].causes[:2]] == [
        (CauseKind.CHANNEL, "discord"),
        (CauseKind.THREAD, "late-thread"),
    ]
    (then_known,) = spikes.spikes(MARCH, date(2026, 3, 15), as_of=date(2026, 3, 14))
    assert (then_known.spike.start, then_known.spike.activity) == (SPIKE, 13)
    causes = [(c.kind, c.name, c.excess) for c in then_known.causes[:3]]
    assert causes == [
        (CauseKind.CHANNEL, "github", 10),
        (CauseKind.THREAD, THREAD, 10),
        (CauseKind.NEWCOMERS, "github", 5),
    ]
    # As of the day before anything was recorded, nothing was known.
    assert spikes.spikes(MARCH, date(2026, 3, 15), as_of=date(2026, 3, 13)) == []


@pytest.mark.parametrize("as_of", [date(1989, 12, 31), date.today() + timedelta(days=1)])
def test_an_as_of_before_records_or_after_today_is_refused(runtime: Runtime, as_of: date) -> None:
    with pytest.raises(InvalidField) as refused:
        spikes_of(runtime).spikes(MARCH, date(2026, 3, 15), as_of=as_of)
    assert refused.value.field == "as_of"


def test_a_flat_series_has_no_spike(runtime: Runtime) -> None:
    plant(runtime)
    spikes = spikes_of(runtime)
    assert spikes.spikes(MARCH, date(2026, 3, 15), "discord") == []
    assert spikes.spikes(MARCH, SPIKE) == []  # the days before the burst


def test_an_annotation_shows_on_its_spike_only(runtime: Runtime) -> None:
    people = plant(runtime)
    spikes = spikes_of(runtime)
    cause = "The v2 release notes\nlinked to issue 42"
    spikes.annotate(AnnotateSpike(day=SPIKE, cause=cause, by=people["staff"]))
    spikes.annotate(AnnotateSpike(day=SPIKE, channel=Channel.GITHUB, cause="github's own"))
    catch_up(runtime)
    (found,) = spikes.spikes(MARCH, date(2026, 3, 15))
    assert [(n.cause, n.by) for n in found.annotations] == [(cause, people["staff"])]
    (on_github,) = spikes.spikes(MARCH, date(2026, 3, 15), "github")
    assert [n.cause for n in on_github.annotations] == ["github's own"]


def test_the_annotator_named_must_be_staff(runtime: Runtime) -> None:
    people = plant(runtime)
    with pytest.raises(InvalidField) as refused:
        spikes_of(runtime).annotate(AnnotateSpike(day=SPIKE, cause="x", by=people["alice"]))
    assert refused.value.field == "by"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2026, 3, 2), date(2026, 3, 1), "to"),
        (date(2020, 1, 1), date(2026, 1, 1), "to"),
        (date(1, 1, 1), date(2026, 1, 1), "from"),
        (date(2026, 1, 1), date.max, "to"),
    ],
)
def test_a_reversed_too_long_or_far_span_is_refused_naming_its_end(
    runtime: Runtime, start: date, end: date, field: str
) -> None:
    with pytest.raises(InvalidField) as refused:
        spikes_of(runtime).spikes(start, end)
    assert refused.value.field == field


def test_overlapping_windows_count_each_newcomer_for_every_spike_it_concerns(
    runtime: Runtime,
) -> None:
    """Five github newcomers on 12 March, two slack ones on 13 March: for 13 March the
    github ones are usual (5 over the 8-day window), the slack ones new that day; for 12
    March the slack ones are not yet seen. As of 12 March, 13 March's are not known."""
    plant(runtime)
    late = [join(runtime, f"Slack {n}", Channel.SLACK) for n in range(2)]
    day = SPIKE + timedelta(days=1)
    batch = [said(m, day, 1, "slack") for m in late]
    runtime.community.record_interactions(batch, create_unknown_members=False)
    catch_up(runtime)
    sources = SpikeSourcesSql(runtime.pool)
    found = sources.evidence(SpikeDays((SPIKE, day), 8, "", None), 5)
    seen = {d: [(u.name, u.observed, u.usual) for u in e.newcomers] for d, e in found.items()}
    assert seen == {
        SPIKE: [("github", 5.0, 0.0)],
        day: [("slack", 2.0, 0.0), ("github", 0.0, 5 / 8)],
    }
    # Everything was recorded on the test's day: as of then, all of it; nothing before.
    today = datetime.now(UTC).date()
    as_of = sources.evidence(SpikeDays((SPIKE, day), 8, "", today), 5)
    assert {d: e.newcomers for d, e in as_of.items()} == {d: e.newcomers for d, e in found.items()}
    before = sources.evidence(SpikeDays((SPIKE, day), 8, "", today - timedelta(days=1)), 5)
    assert [e.newcomers for e in before.values()] == [[], []]
