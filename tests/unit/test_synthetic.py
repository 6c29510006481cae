"""The one synthetic community: members' profiles for the demo, from the same stream as bench."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime

from application.members.demo import demo_interactions, demo_members, demo_shape
from application.synthetic import Shape, persona, profile
from domain.values import Channel

SHAPE = Shape(members=3_000, interactions=30_000, seed=7)
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def test_a_profile_is_the_same_for_a_seed_and_differs_across_seeds() -> None:
    assert [profile(SHAPE, n) for n in range(50)] == [profile(SHAPE, n) for n in range(50)]
    other = Shape(members=3_000, interactions=30_000, seed=8)
    names = [profile(SHAPE, n).display_name for n in range(50)]
    assert names != [profile(other, n).display_name for n in range(50)]


def test_profiles_have_a_few_bots_staff_and_leavers_who_left_when_they_went_quiet() -> None:
    people = [profile(SHAPE, n) for n in range(SHAPE.members)]
    bots, staff = sum(p.is_bot for p in people), sum(p.is_staff for p in people)
    assert 0.002 * SHAPE.members < bots < 0.03 * SHAPE.members
    assert 0.01 * SHAPE.members < staff < 0.06 * SHAPE.members
    leavers = [p for p in people if p.left_at is not None]
    assert 0.04 * SHAPE.members < len(leavers) < 0.12 * SHAPE.members
    assert all(p.left_at == p.persona.active_until < SHAPE.end for p in leavers)
    assert not any(p.is_bot and p.is_staff for p in people)


def test_a_profile_links_its_handle_on_its_own_channel_first_and_known_channels_only() -> None:
    for number in range(500):
        person = profile(SHAPE, number)
        assert person.persona == persona(SHAPE, number)
        assert person.channels[0] == person.persona.channel
        assert len(set(person.channels)) == len(person.channels)
        assert set(person.channels) <= {channel.value for channel in Channel}


def test_the_demo_records_the_streams_interactions_for_its_own_members() -> None:
    run = uuid.uuid4()
    members = list(demo_members(200, seed=5, now=NOW, run=run))
    records = list(demo_interactions(demo_shape(200, seed=5, now=NOW), run))
    by_id = {m.id: m for m in members}
    assert len(records) == 200 * 35
    assert {r.member_id for r in records} <= set(by_id)
    for record in records:
        assert record.member_id is not None
        assert by_id[record.member_id].joined_at <= record.occurred_at <= NOW
    # Busy members and quiet ones: the busiest tenth do more than a third of everything.
    per_member = Counter(r.member_id for r in records)
    busiest = sum(n for _, n in per_member.most_common(20))
    assert busiest > len(records) / 3
    # The same seed gives the same community, under other ids.
    again = list(demo_members(200, seed=5, now=NOW))
    assert [m.display_name for m in again] == [m.display_name for m in members]
    assert {m.id for m in again}.isdisjoint(by_id)
