"""The demo community of `crm demo` and `crm serve --demo`: the synthetic community, recorded.

Who the members are and what they do come from application/synthetic.py, the generator the
benchmarks use too; here they become members (joined, linked, tagged, flagged, some gone)
and their interactions, recorded in batches. Member ids derive from one random id per
seeding, so that a seed gives the same community every time, and two of them never collide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import TypeVar
from uuid import UUID, uuid4, uuid5

from application.clock import utc_now
from application.lifecycle import CatchUp, StageEvaluation
from application.members.community import Community
from application.synthetic import Profile, Shape, interactions, profile
from domain.interactions.commands import RecordInteraction
from domain.interactions.interaction import InteractionKind
from domain.members.member import Member
from domain.values import Channel

# About what a demo member did over two years (heavy-tailed: most far less, a few far more).
INTERACTIONS_PER_MEMBER = 35
INTERACTION_BATCH = 2_000
T = TypeVar("T")


def demo_shape(count: int, *, seed: int, now: datetime) -> Shape:
    """The synthetic community of the demo: `count` members, two years up to `now`."""
    return Shape(members=count, interactions=count * INTERACTIONS_PER_MEMBER, seed=seed, end=now)


def demo_members(
    count: int, *, seed: int = 7, now: datetime | None = None, run: UUID | None = None
) -> Iterator[Member]:
    """Members with their events pending, reproducible for a given seed."""
    shape = demo_shape(count, seed=seed, now=now or utc_now())
    run = run or uuid4()
    for number in range(count):
        yield _member(profile(shape, number), _member_id(run, number), shape.end)


def demo_interactions(shape: Shape, run: UUID) -> Iterator[RecordInteraction]:
    """The members' interactions, in stream order, for the members of seeding `run`."""
    for interaction in interactions(shape):
        yield RecordInteraction(
            member_id=_member_id(run, interaction.member.number),
            channel=Channel(interaction.channel),
            kind=InteractionKind(interaction.kind),
            occurred_at=interaction.occurred_at,
            external_id=f"demo-{run.hex[:12]}-{interaction.number}",
        )


def seed_demo(
    community: Community,
    count: int,
    *,
    seed: int = 7,
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
    interactions: bool = True,
    now: datetime | None = None,
    recorded: Callable[[int], None] | None = None,
) -> int | None:
    """Record a demo community in batches; returns the last notification id.

    `progress` hears of members as they are saved, `recorded` of interactions.
    """
    shape, run = demo_shape(count, seed=seed, now=now or utc_now()), uuid4()
    position = None
    for members in _batches(demo_members(count, seed=seed, now=shape.end, run=run), batch):
        position = community.save_new_members(members) or position
        _report(progress, len(members))
    if interactions:
        position = _record(community, demo_interactions(shape, run), recorded) or position
    return position


@dataclass(frozen=True)
class DemoCommunity:
    """What seeding the demo community recorded."""

    members: int
    stage_changes: int


def seed_demo_community(
    community: Community,
    evaluation: StageEvaluation,
    catch_up: CatchUp,
    count: int,
    *,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
) -> DemoCommunity:
    """The demo of `crm serve --demo`: members, their interactions, and their stage history.

    One evaluation now records every stage change of the demo's two years at the instant it
    happened, so that questions about the past (`asOf`, `stageHistory`) have answers.
    """
    now = evaluation.clock()
    seed_demo(community, count, seed=seed, progress=progress, now=now)
    catch_up()
    report = evaluation.evaluate(now)
    catch_up()
    return DemoCommunity(members=count, stage_changes=report.changed)


def _record(
    community: Community,
    records: Iterable[RecordInteraction],
    recorded: Callable[[int], None] | None,
) -> int | None:
    position = None
    for chunk in _batches(records, INTERACTION_BATCH):
        report = community.record_interactions(chunk, create_unknown_members=False)
        position = report.position or position
        _report(recorded, len(chunk))
    return position


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _member_id(run: UUID, number: int) -> UUID:
    """Member `number` of seeding `run`: interactions find their member without a lookup."""
    return uuid5(run, str(number))


def _member(person: Profile, member_id: UUID, now: datetime) -> Member:
    member = Member.join(
        display_name=person.display_name,
        email=person.email,
        joined_at=person.persona.joined_at,
        source_channel=person.persona.channel,
        attributes=person.attributes,
        now=now,
        member_id=member_id,
    )
    for channel in person.channels:
        member.link_identity(channel, person.handle)
    for tag in person.tags:
        member.tag(tag)
    member.mark_as_bot(person.is_bot)
    member.mark_as_staff(person.is_staff)
    if person.left_at is not None:
        member.leave(left_at=person.left_at, reason=person.leave_reason, now=now)
    return member


def _report(progress: Callable[[int], None] | None, amount: int) -> None:
    if progress:
        progress(amount)
