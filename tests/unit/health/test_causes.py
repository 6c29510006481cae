"""Likely causes of a spike: ranked by the excess they carried, events after them."""

from __future__ import annotations

from datetime import date

import pytest

from domain.health import Cause, CauseKind, CommunityEvent, Usage, likely_causes

RELEASE = CommunityEvent("Release 2.0", date(2026, 3, 3))


def causes_of_the_planted_spike(limit: int = 10) -> list[Cause]:
    # The spike of test_spikes: 40 interactions against a usual 10.5, an excess of 29.5.
    return likely_causes(
        excess=29.5,
        channels=[
            Usage("forum", 5, 4.5),
            Usage("discord", 35, 6),  # planted: it carried almost all the excess
            Usage("mail", 0, 0),
        ],
        threads=[Usage("help", 3, 4), Usage("release 2.0 is out", 22, 0)],  # planted thread
        newcomers=[Usage("meetup", 5, 1), Usage("github", 1, 2)],
        feedback=[Usage("dark mode", 8, 0)],
        events=[RELEASE],
        limit=limit,
    )


def test_the_planted_channel_and_thread_come_first() -> None:
    causes = causes_of_the_planted_spike()

    assert [(c.kind, c.name, c.excess) for c in causes] == [
        (CauseKind.CHANNEL, "discord", 29),
        (CauseKind.THREAD, "release 2.0 is out", 22),
        (CauseKind.FEEDBACK, "dark mode", 8),
        (CauseKind.NEWCOMERS, "meetup", 4),
        (CauseKind.CHANNEL, "forum", 0.5),
        (CauseKind.EVENT, "Release 2.0", None),  # held then: no excess of its own
    ]  # help, github and mail were at or below their usual level: no cause


def test_each_cause_has_its_share_of_the_excess_and_says_why() -> None:
    discord, thread, *_, event = causes_of_the_planted_spike()

    assert discord.share == pytest.approx(29 / 29.5)
    assert discord.explanation == (
        "channel discord: 35 interactions against a usual 6 (+29, 98% of the excess)"
    )
    assert thread.share == pytest.approx(22 / 29.5)
    assert event == Cause(
        CauseKind.EVENT, "Release 2.0", None, None, "Release 2.0 was held on 2026-03-03"
    )


def test_the_list_is_cut_at_its_limit() -> None:
    assert [c.name for c in causes_of_the_planted_spike(limit=2)] == [
        "discord",
        "release 2.0 is out",
    ]


def test_without_an_excess_no_share_is_given() -> None:
    (cause,) = likely_causes(excess=0, channels=[Usage("discord", 3, 1)], threads=[])

    assert (cause.excess, cause.share) == (2, None)
    assert cause.explanation == "channel discord: 3 interactions against a usual 1 (+2)"
