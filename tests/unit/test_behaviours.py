"""The community of known behaviours: deterministic, and each behaviour has its shape."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from application.behaviours import (
    SHARES,
    Behaviour,
    Community,
    KnownInteraction,
    KnownMember,
    ingestion_records,
    member,
    members,
)
from domain.interactions.interaction import InteractionKind
from domain.values import Channel

COMMUNITY = Community(members=2_000, seed=7)
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def by_behaviour() -> dict[Behaviour, list[KnownMember]]:
    """The community's members grouped by behaviour."""
    grouped: dict[Behaviour, list[KnownMember]] = defaultdict(list)
    for known in members(COMMUNITY):
        grouped[known.behaviour].append(known)
    return grouped


def _moments(known: KnownMember) -> list[datetime]:
    return [interaction.occurred_at for interaction in known.interactions]


def _day_gaps(known: KnownMember) -> list[int]:
    """Days between consecutive active days (UTC)."""
    days = sorted({moment.date() for moment in _moments(known)})
    return [(b - a).days for a, b in zip(days, days[1:], strict=False)]


def test_a_member_is_the_same_for_a_seed_and_differs_across_seeds() -> None:
    assert [member(COMMUNITY, n) for n in range(30)] == [member(COMMUNITY, n) for n in range(30)]
    other = Community(members=2_000, seed=8)
    assert [member(COMMUNITY, n).behaviour for n in range(30)] != [
        member(other, n).behaviour for n in range(30)
    ]


def test_every_interaction_is_aware_utc_ordered_after_joining_and_before_the_end(
    by_behaviour: dict[Behaviour, list[KnownMember]],
) -> None:
    for group in by_behaviour.values():
        for known in group:
            moments = _moments(known)
            assert moments == sorted(moments)
            assert known.joined_at == moments[0]
            assert all(m.tzinfo is UTC for m in moments)
            assert COMMUNITY.start <= moments[0] and moments[-1] < COMMUNITY.end
            for start, end in known.breaks:
                assert not any(start <= m < end for m in moments)


def test_the_shares_are_roughly_those_of_a_real_community(
    by_behaviour: dict[Behaviour, list[KnownMember]],
) -> None:
    for behaviour, share in SHARES.items():
        assert abs(len(by_behaviour[behaviour]) / COMMUNITY.members - share) < 0.03
    total = sum(len(k.interactions) for group in by_behaviour.values() for k in group)
    assert 30 < total / COMMUNITY.members < 90


def test_only_faders_and_stoppers_stop_and_nothing_happens_after_they_do(
    by_behaviour: dict[Behaviour, list[KnownMember]],
) -> None:
    for behaviour, group in by_behaviour.items():
        stops = behaviour in (Behaviour.FADER, Behaviour.STOPPER)
        for known in group:
            assert (known.stopped_at is not None) is stops
            if known.stopped_at is not None:
                assert known.stopped_at == _moments(known)[-1]


def test_stoppers_keep_their_rhythm_up_to_the_end(
    by_behaviour: dict[Behaviour, list[KnownMember]],
) -> None:
    for known in by_behaviour[Behaviour.STOPPER]:
        # A week off now and then, never the slow-down of a fader.
        assert max(_day_gaps(known)[-3:]) <= 20


def test_one_offs_do_one_to_three_things_within_a_weekend(
    by_behaviour: dict[Behaviour, list[KnownMember]],
) -> None:
    for known in by_behaviour[Behaviour.ONE_OFF]:
        assert 1 <= len(known.interactions) <= 3
        assert known.interactions[-1].occurred_at - known.joined_at < 3 * DAY


def test_occasional_members_are_never_active_six_weeks_within_a_year(
    by_behaviour: dict[Behaviour, list[KnownMember]],
) -> None:
    for known in by_behaviour[Behaviour.OCCASIONAL]:
        weeks = sorted({m.date() - timedelta(days=m.weekday()) for m in _moments(known)})
        assert all((b - a).days >= 365 for a, b in zip(weeks, weeks[5:], strict=False))


def test_maintainers_burst_with_builders_work_and_take_a_yearly_holiday(
    by_behaviour: dict[Behaviour, list[KnownMember]],
) -> None:
    heavy = {InteractionKind.PULL_REQUEST, InteractionKind.ISSUE}
    for known in by_behaviour[Behaviour.MAINTAINER]:
        assert known.channel == Channel.GITHUB
        # A burst: at least four active days close together, with pull requests and issues.
        bursts = [run for run in _bursts(known) if len({i.occurred_at.date() for i in run}) >= 4]
        assert bursts
        assert max(sum(i.kind in heavy for i in run) for run in bursts) >= 4
        if COMMUNITY.end - known.joined_at > timedelta(days=400):
            assert known.breaks
        for start, end in known.breaks:
            assert 14 * DAY <= end - start <= 28 * DAY or end.date() >= COMMUNITY.end.date()


def _bursts(known: KnownMember) -> list[list[KnownInteraction]]:
    """Runs of interactions at most two days apart."""
    runs = [[known.interactions[0]]]
    for interaction in known.interactions[1:]:
        if (interaction.occurred_at.date() - runs[-1][-1].occurred_at.date()).days <= 2:
            runs[-1].append(interaction)
        else:
            runs.append([interaction])
    return runs


def test_faders_gaps_grow_until_they_stop(
    by_behaviour: dict[Behaviour, list[KnownMember]],
) -> None:
    for known in by_behaviour[Behaviour.FADER]:
        gaps = _day_gaps(known)
        usual = statistics.median(gaps)
        # The last three gaps are each longer than the usual one, and growing.
        assert all(gap > usual for gap in gaps[-3:])
        assert gaps[-3] <= gaps[-2] <= gaps[-1]
        assert gaps[-1] >= 20


def test_returners_have_one_long_silence_then_come_back(
    by_behaviour: dict[Behaviour, list[KnownMember]],
) -> None:
    for known in by_behaviour[Behaviour.RETURNER]:
        gaps = _day_gaps(known)
        assert sum(gap >= 45 for gap in gaps) == 1
        assert 60 <= max(gaps) <= 181
        ((start, end),) = known.breaks
        assert sum(1 for m in _moments(known) if m >= end) >= 4  # back at their rhythm


def test_steady_members_keep_a_weekly_rhythm_but_for_holidays(
    by_behaviour: dict[Behaviour, list[KnownMember]],
) -> None:
    for known in by_behaviour[Behaviour.STEADY]:
        assert known.stopped_at is None
        gaps = _day_gaps(known)
        if len(gaps) >= 10:
            assert statistics.median(gaps) <= 10
            assert sorted(gaps)[int(0.8 * len(gaps))] <= 14
        assert all(7 * DAY <= end - start <= 14 * DAY for start, end in known.breaks)


def test_ingestion_records_carry_every_interaction_member_by_member() -> None:
    small = Community(members=50, seed=3)
    records = list(ingestion_records(small))
    expected = [(k, i) for k in members(small) for i in k.interactions]
    assert len(records) == len(expected)
    for record, (known, interaction) in zip(records, expected, strict=True):
        assert record == {
            "identity_channel": known.channel,
            "identity_handle": known.handle,
            "channel": interaction.channel,
            "kind": interaction.kind,
            "occurred_at": interaction.occurred_at.isoformat(),
            "external_id": interaction.external_id,
        }
        assert InteractionKind(record["kind"]) and Channel(record["channel"])
    assert len({r["external_id"] for r in records}) == len(records)


def test_a_history_too_short_for_a_returner_to_come_back_is_refused() -> None:
    with pytest.raises(ValueError, match="history must be at least 401 days"):
        Community(members=10, history=timedelta(days=200))
