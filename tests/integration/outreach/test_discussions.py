"""topDiscussions on PostgreSQL: a scripted community ranked by hand, staff and bots left
out (a member marked staff later too), period boundaries, channels, erasure, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import CanCreateTimestamp

from api.bootstrap import use_cases
from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.errors import InvalidField
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from domain.outreach.discussions import Discussion

pytestmark = pytest.mark.integration

MARCH = (date(2026, 3, 1), date(2026, 3, 8))  # the week of 1-7 March (UTC days)


def join(runtime: Runtime, name: str) -> UUID:
    return runtime.community.join_member(cmd.JoinMember(display_name=name)).member.id


def at(day: int, hour: int = 12, minute: int = 0, second: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


class Community:
    """The scripted community: four members, a staff member, a bot, and Erin (a member who
    is marked staff after taking part)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.m = {n: join(runtime, n) for n in ("alice", "bob", "carol", "dave", "erin")}
        self.m["staff"] = join(runtime, "Staff")
        self.m["bot"] = join(runtime, "Bot")
        runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=self.m["staff"]))
        runtime.community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=self.m["bot"]))
        self.batch: list[RecordInteraction] = []
        self.recorded = 0  # batches recorded: external ids differ from batch to batch

    def say(
        self,
        who: str,
        thread: str,
        when: datetime,
        kind: str = "reply",
        channel: str = "github",
        summary: str | None = None,
    ) -> None:
        self.batch.append(
            RecordInteraction(
                member_id=self.m[who],
                channel=channel,  # type: ignore[arg-type]
                kind=kind,  # type: ignore[arg-type]
                occurred_at=when,
                external_id=f"{thread}-{len(self.batch)}-{self.recorded}",
                thread_ref=thread,
                summary=summary,
            )
        )

    def record(self) -> None:
        self.runtime.community.record_interactions(self.batch, create_unknown_members=False)
        self.batch = []
        self.recorded += 1
        catch_up(self.runtime)


def catch_up(runtime: Runtime) -> None:
    next(r for r in build_runners(runtime) if r.name == "discussions").catch_up()


def script(runtime: Runtime) -> Community:
    """Six threads in and around the week of 1-7 March 2026."""
    c = Community(runtime)
    # gh-1: Alice asks (first), Bob replies, staff answers 2h30 after Alice, Carol reacts
    # (Bob's side of it is mirrored: not counted), the bot replies 3 times, Dave replies.
    c.say("alice", "gh-1", at(2, 10), "issue", summary="How do I configure the webhook?")
    c.say("bob", "gh-1", at(2, 11))
    c.say("staff", "gh-1", at(2, 12, 30))
    c.say("carol", "gh-1", at(3), "reaction_given")
    c.say("bob", "gh-1", at(3), "reaction_received")
    for minute in range(3):
        c.say("bot", "gh-1", at(3, 13, minute))
    c.say("dave", "gh-1", at(4))
    # general: staff opens it, Alice, Bob, Carol (twice) and Erin reply, Dave reacts.
    general = {"channel": "discord"}
    c.say("staff", "general", at(1, 9), "message", summary="Welcome, say hello", **general)
    c.say("alice", "general", at(2, 8), **general)
    c.say("bob", "general", at(2, 9), **general)
    c.say("carol", "general", at(5, 9), **general)
    c.say("carol", "general", at(5, 9, 30), **general)
    c.say("erin", "general", at(5, 10), **general)
    c.say("dave", "general", at(5, 11), "reaction_given", **general)
    # help: Alice asks, Bob, Carol and Dave reply, Alice and Bob react.
    slack = {"channel": "slack"}
    c.say("alice", "help", at(6, 8), "message", summary="Anyone using the CLI?", **slack)
    for who in ("bob", "carol", "dave"):
        c.say(who, "help", at(6, 9), **slack)
    c.say("alice", "help", at(6, 10), "reaction_given", **slack)
    c.say("bob", "help", at(6, 10), "reaction_given", **slack)
    # random: Alice starts, Bob and Carol reply, Dave reacts three times.
    c.say("alice", "random", at(4, 8), "message", **slack)
    c.say("bob", "random", at(4, 9), **slack)
    c.say("carol", "random", at(4, 9), **slack)
    for hour in (10, 11, 12):
        c.say("dave", "random", at(4, hour), "reaction_given", **slack)
    # gh-2 straddles the week: Carol opens it on 28 February, Alice on 7 March at the last
    # second, Bob on 8 March at midnight.
    c.say("carol", "gh-2", at(28, 23, 59, month=2), "issue")
    c.say("alice", "gh-2", at(7, 23, 59, 59))
    c.say("bob", "gh-2", at(8, 0))
    # staff-only: no member took part, so it is no discussion of interest.
    c.say("staff", "staff-only", at(3), "message")
    c.say("bot", "staff-only", at(3, 13))
    c.record()
    return c


def top(
    runtime: Runtime,
    period: tuple[date, date] = MARCH,
    channel: str | None = None,
    first: int = 10,
    reveal: bool = True,
    as_of: date | None = None,
) -> list[Discussion]:
    return use_cases(runtime).discussions.top(*period, channel, first, reveal=reveal, as_of=as_of)


def counts(found: list[Discussion]) -> list[tuple[str, int, int, int]]:
    return [(d.thread_ref, d.participants, d.replies, d.reactions) for d in found]


def test_threads_rank_by_participants_replies_then_reactions(runtime: Runtime) -> None:
    script(runtime)
    # general: Alice, Bob, Carol, Erin, Dave = 5; replies 1+1+2+1 (the first is staff's).
    # help 4 (3 replies: Alice's first message is none; 2 reactions); random 4, 2, 3;
    # gh-1 4 (bot and staff out; Bob's received reaction not counted), 2 replies, 1 reaction;
    # gh-2 in the week: Alice only, a reply (Carol's first message was in February).
    assert counts(top(runtime)) == [
        ("general", 5, 5, 1),
        ("help", 4, 3, 2),
        ("random", 4, 2, 3),
        ("gh-1", 4, 2, 1),
        ("gh-2", 1, 1, 0),
    ]


def test_first_message_summary_and_staff_response(runtime: Runtime) -> None:
    script(runtime)
    found = {d.thread_ref: d for d in top(runtime)}
    gh1 = found["gh-1"]
    assert (gh1.channel, gh1.first_message_at) == ("github", at(2, 10))
    assert gh1.summary == "How do I configure the webhook?"
    assert gh1.first_staff_response_at == at(2, 12, 30)
    assert gh1.staff_response_time is not None
    assert gh1.staff_response_time.total_seconds() == 9000
    # Staff opened general; no staff contribution after Alice's: no response yet.
    assert found["general"].summary == "Welcome, say hello"
    assert (found["general"].first_member_message_at, found["general"].staff_response_time) == (
        at(2, 8),
        None,
    )
    assert found["random"].summary is None  # its first message had none
    # gh-2's first message is Carol's in February, before the period.
    assert found["gh-2"].first_message_at == at(28, 23, 59, month=2)


def test_a_member_marked_staff_later_is_taken_out(runtime: Runtime) -> None:
    c = script(runtime)
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=c.m["erin"]))
    catch_up(runtime)
    found = top(runtime)
    # general: Erin out (4 participants, 4 replies), still above help on replies.
    assert counts(found)[:3] == [("general", 4, 4, 1), ("help", 4, 3, 2), ("random", 4, 2, 3)]
    general = next(d for d in found if d.thread_ref == "general")
    # Erin's reply is now staff's first answer to Alice: 3 days and 2 hours later.
    assert general.first_staff_response_at == at(5, 10)
    assert general.staff_response_time is not None
    assert general.staff_response_time.total_seconds() == 3 * 86400 + 2 * 3600
    runtime.community.mark_member_as_staff(
        cmd.MarkMemberAsStaff(member_id=c.m["erin"], is_staff=False)
    )
    catch_up(runtime)
    assert counts(top(runtime))[0] == ("general", 5, 5, 1)


def test_period_boundaries_are_utc_days_from_inclusive_to_exclusive(runtime: Runtime) -> None:
    script(runtime)
    on = {"channel": "github"}
    # 7 March 23:59:59 is in the week; 8 March 00:00 is in the next day only.
    assert counts(top(runtime, (date(2026, 3, 7), date(2026, 3, 8)), **on)) == [("gh-2", 1, 1, 0)]
    assert counts(top(runtime, (date(2026, 3, 8), date(2026, 3, 9)), **on)) == [("gh-2", 1, 1, 0)]
    # Carol's first message on 28 February is no reply.
    assert counts(top(runtime, (date(2026, 2, 28), date(2026, 3, 1)), **on)) == [("gh-2", 1, 0, 0)]
    assert top(runtime, (date(2026, 2, 1), date(2026, 2, 28))) == []


def test_channel_and_first_narrow_the_list(runtime: Runtime) -> None:
    script(runtime)
    assert [d.thread_ref for d in top(runtime, channel="github")] == ["gh-1", "gh-2"]
    assert [d.thread_ref for d in top(runtime, channel="slack")] == ["help", "random"]
    assert [d.thread_ref for d in top(runtime, first=2)] == ["general", "help"]


def test_summary_hidden_without_reveal_and_gone_after_erasure(runtime: Runtime) -> None:
    c = script(runtime)
    assert {d.summary for d in top(runtime, reveal=False)} == {None}
    runtime.community.erase_member(cmd.EraseMember(member_id=c.m["alice"]))
    catch_up(runtime)
    found = {d.thread_ref: d for d in top(runtime)}
    # Alice's first messages are unreadable; the staff member's is not.
    assert (found["gh-1"].summary, found["help"].summary) == (None, None)
    assert found["general"].summary == "Welcome, say hello"
    with runtime.pool.connection() as conn:
        stored = conn.execute(
            "SELECT count(*) FROM discussion_threads WHERE first_member_id = %s"
            " AND sealed_summary IS NOT NULL",
            (c.m["alice"],),
        ).fetchone()
    assert stored == (0,)


def test_as_of_a_past_day_counts_what_was_recorded_by_its_end(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = Community(runtime)

    def recorded_on(day: int) -> None:
        moment = at(day)
        monkeypatch.setattr(CanCreateTimestamp, "create_timestamp", staticmethod(lambda: moment))
        c.record()

    # Recorded on 4 March: Bob asks, Carol replies, staff answers two hours after Bob.
    c.say("bob", "late", at(3, 10), "message", summary="Bob's question")
    c.say("carol", "late", at(3, 11))
    c.say("staff", "late", at(3, 12))
    recorded_on(4)
    # Recorded on 10 March: an earlier message by Alice is backfilled, and Dave's reply.
    c.say("alice", "late", at(2, 9), "message", summary="Backfilled")
    c.say("dave", "late", at(3, 13))
    recorded_on(10)
    (then,) = top(runtime, as_of=date(2026, 3, 4))
    assert counts([then]) == [("late", 2, 1, 0)]
    assert (then.first_message_at, then.first_member_message_at) == (at(3, 10), at(3, 10))
    assert then.staff_response_time is not None
    assert then.staff_response_time.total_seconds() == 2 * 3600
    # The first message known then is no longer the first: its summary is not kept.
    assert then.summary is None
    assert top(runtime, as_of=date(2026, 3, 3)) == []
    for as_of in (date(2026, 3, 10), None):
        (now,) = top(runtime, as_of=as_of)
        assert counts([now]) == [("late", 4, 3, 0)]
        assert (now.first_message_at, now.summary) == (at(2, 9), "Backfilled")
        assert now.staff_response_time is not None
        assert now.staff_response_time.total_seconds() == 27 * 3600


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"end": date(2026, 3, 1)}, "to"),  # not after from
        ({"end": date(2030, 3, 1)}, "to"),  # more than 1098 days
        ({"start": date(1900, 1, 1)}, "from"),
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"as_of": date(1989, 12, 31)}, "as_of"),
    ],
)
def test_bad_input_names_the_argument(
    runtime: Runtime, arguments: dict[str, Any], field: str
) -> None:
    asked: dict[str, Any] = {"start": MARCH[0], "end": MARCH[1], "first": 10, **arguments}
    with pytest.raises(InvalidField) as refused:
        use_cases(runtime).discussions.top(
            asked["start"],
            asked["end"],
            None,
            asked["first"],
            reveal=True,
            as_of=asked.get("as_of"),
        )
    assert refused.value.field == field
