"""The welcome queue: who is in it, oldest first; emptied by a WELCOME outreach or a staff
reply in the thread of the newcomer's first message; time to welcome per week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from application.runtime import Runtime
from domain.members import commands as mc
from tests.integration.outreach.log_helpers import Script

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def queued(s: Script, channel: str | None = None, reveal: bool = True) -> list[dict]:  # type: ignore[type-arg]
    return s.welcome(days=14, now=NOW).queue(channel, 50, None, reveal).rows


def test_the_queue_is_emptied_by_a_welcome_or_a_staff_reply(runtime: Runtime) -> None:
    s = Script(runtime)
    helper = s.member("Helper", staff=True)
    bot = s.member("Bot")
    runtime.community.mark_member_as_bot(mc.MarkMemberAsBot(member_id=bot))
    welcomed = s.member("Welcomed", joined_at=ago(5))
    answered = s.member("Answered", joined_at=ago(4))
    elsewhere = s.member("Elsewhere", joined_at=ago(3), source_channel="slack")
    early_reply = s.member("Early", joined_at=ago(2))
    quiet = s.member("Quiet", joined_at=ago(1), source_channel="github")
    old = s.member("Old", joined_at=ago(400))
    woke = s.member("Woke", joined_at=ago(400))
    s.said(answered, ago(4), thread="t-1", summary="Hi! How do I start?")
    s.said(elsewhere, ago(3), thread="t-2", summary="Hello from slack", channel="slack")
    s.said(early_reply, ago(2), thread="t-3", summary="First post")
    s.said(woke, ago(6), thread="t-4", summary="Back after a long silence")
    s.said(old, ago(300))
    s.said(bot, ago(1), thread="t-9")
    # The staff replies in another thread of elsewhere's, and before early's post in theirs.
    s.said(helper, ago(3) + timedelta(hours=1), thread="t-other")
    s.said(helper, ago(2) - timedelta(hours=1), thread="t-3")
    s.catch_up()

    before = queued(s)
    expected = [woke, welcomed, answered, elsewhere, early_reply, quiet]
    assert [r["member_id"] for r in before] == expected
    firsts = {r["member_id"]: (r["channel"], r["first_said"]) for r in before}
    assert firsts[answered] == ("discord", "Hi! How do I start?")
    assert firsts[elsewhere] == ("slack", "Hello from slack")
    assert firsts[quiet] == ("github", None)  # said nothing yet: where they joined
    assert all(r["first_said"] is None for r in queued(s, reveal=False))
    assert [r["member_id"] for r in queued(s, channel="slack")] == [elsewhere]

    s.reach(welcomed, "welcome", ago(0.5))
    s.reach(quiet, "check_in", ago(0.5))  # not a welcome
    s.said(helper, ago(3.5), thread="t-1", summary="Welcome! Start here")
    s.said(s.staff, ago(1), thread="t-3")
    s.said(early_reply, ago(0.2), thread="t-5")  # their later thread: no matter
    s.catch_up()

    assert [r["member_id"] for r in queued(s)] == [woke, elsewhere, quiet]
    runtime.community.erase_member(mc.EraseMember(member_id=quiet))
    runtime.community.mark_member_left(mc.MarkMemberLeft(member_id=elsewhere))
    s.catch_up()
    assert [r["member_id"] for r in queued(s)] == [woke]


def test_the_queue_pages_oldest_first_and_time_to_welcome_per_week(runtime: Runtime) -> None:
    s = Script(runtime)
    monday = date.today() - timedelta(days=date.today().weekday() + 14)
    start = datetime(monday.year, monday.month, monday.day, 9, tzinfo=UTC)
    members = [s.member(f"N{k}", joined_at=start + timedelta(hours=k)) for k in range(4)]
    # Welcomed after 2, 4 and 10 hours; the fourth waits.
    for k, waited in zip(range(3), (2, 4, 10), strict=True):
        s.reach(members[k], "welcome", start + timedelta(hours=k + waited))
    later = s.member("Later", joined_at=start + timedelta(days=8))
    s.reach(later, "welcome", start + timedelta(days=8, hours=1))
    s.catch_up()

    queue = s.welcome(days=30, now=NOW)
    first = queue.queue(None, 1, None, False)
    assert [r["member_id"] for r in first.rows] == [members[3]] and not first.has_next

    weeks = queue.weeks(monday, monday + timedelta(days=14))
    assert [(w["start"], w["newcomers"], w["welcomed"]) for w in weeks] == [
        (monday, 4, 3),
        (monday + timedelta(days=7), 1, 1),
    ]
    # Median of 2, 4 and 10 hours is 4; p90 (linear) is 4 + 0.8 * 6 = 8.8 hours.
    assert weeks[0]["median_seconds"] == 4 * 3600
    assert weeks[0]["p90_seconds"] == pytest.approx(8.8 * 3600)
    assert weeks[1]["median_seconds"] == 3600
