"""A seeded, realistic demo community: names, identities across channels, two years of joins."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from application.lifecycle.evaluation import evaluate_weekly
from application.lifecycle.ports import CatchUp, MemberActivities
from application.members.community import Community, utc_now
from domain.interactions.interaction import InteractionKind
from domain.members.commands import RecordInteraction
from domain.members.member import Member
from domain.values import Channel

if TYPE_CHECKING:
    from application.runtime import Runtime

FIRST_NAMES = (
    "Ada Amara Aiko Alejandro Amina Anders Ana Arjun Aylin Bao Beatriz Camille Chen Chidi "
    "Dario Elif Emeka Emma Fatima Felix Freya Giulia Hana Hugo Ines Ivan Jana Javier Kai "
    "Kenji Lea Leila Luca Mai Malik Marta Mateo Maya Mehdi Mila Nadia Nils Noah Olga Omar "
    "Priya Rafael Rania Sami Sara Sofia Tariq Thea Tomas Yara Yusuf Zoe Zainab Louis Chloe"
).split()
LAST_NAMES = (
    "Abe Adeyemi Almeida Andersen Bakker Bernard Chen Costa Dubois Eriksson Fernandez Fischer "
    "Garcia Haddad Hansen Ibrahim Ito Jensen Kaya Kim Kowalski Laurent Lee Lopez Martin Meyer "
    "Moreau Müller Nakamura Nguyen Novak Okafor Olsen Park Patel Petit Popescu Rossi Santos "
    "Schmidt Silva Singh Suzuki Tanaka Torres Virtanen Wang Weber Yilmaz Zhang Durand Lefebvre"
).split()
CITIES = ("Paris", "Lyon", "Berlin", "Lisbon", "Montreal", "Lagos", "Tokyo", "Austin", "Pune")
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "freelance")
TAGS = ("speaker", "beta-tester", "contributor", "meetup-host", "plugin-author", "newsletter")
BOTS = ("MEE6", "Dependabot", "GitHub Actions", "Zapier", "Welcome Bot", "Carl-bot")
# Where members come from, roughly as community managers report it.
CHANNEL_WEIGHTS = {
    Channel.DISCORD: 40,
    Channel.SLACK: 15,
    Channel.GITHUB: 15,
    Channel.DISCOURSE: 10,
    Channel.EMAIL: 8,
    Channel.MEETUP: 5,
    Channel.TWITTER: 4,
    Channel.LINKEDIN: 3,
}
HISTORY = timedelta(days=730)
WEEK_SECONDS = 7 * 24 * 3600
INTERACTION_BATCH = 2_000


def demo_members(count: int, *, seed: int = 7, now: datetime | None = None) -> Iterator[Member]:
    """Members with their events pending, reproducible for a given seed."""
    rng = random.Random(seed)
    now = now or utc_now()
    channels = list(CHANNEL_WEIGHTS)
    weights = list(CHANNEL_WEIGHTS.values())
    for number in range(count):
        yield _member(rng, number, now, channels, weights)


KINDS = {
    InteractionKind.MESSAGE: 50,
    InteractionKind.REPLY: 20,
    InteractionKind.REACTION_GIVEN: 14,
    InteractionKind.POST: 6,
    InteractionKind.PULL_REQUEST: 3,
    InteractionKind.ISSUE: 2,
    InteractionKind.ANSWER_ACCEPTED: 2,
    InteractionKind.EVENT_ATTENDED: 2,
    InteractionKind.CONTENT_SHARED: 1,
}
MAX_INTERACTIONS_PER_MEMBER = 150


def demo_interactions(member: Member, rng: random.Random, now: datetime) -> list[RecordInteraction]:
    """A member's interactions: heavy-tailed rates, and a share who went quiet at some point."""
    channels = sorted({channel for channel, _ in member.identities}) or [member.source_channel]
    weekly = min(rng.paretovariate(1.3) * 0.4, 12.0)  # most post little, a few a lot
    end = now if rng.random() < 0.7 else now - timedelta(days=rng.uniform(10, 120))
    start = member.joined_at
    span = max((end - start).total_seconds(), 0.0)
    count = min(int(weekly * span / WEEK_SECONDS), MAX_INTERACTIONS_PER_MEMBER)
    kinds, weights = list(KINDS), list(KINDS.values())
    return [
        RecordInteraction(
            member_id=member.id,
            channel=rng.choice(channels),
            kind=rng.choices(kinds, weights)[0],
            occurred_at=start + timedelta(seconds=rng.uniform(0, span)),
            external_id=f"demo-{member.id.hex[:12]}-{n}",
        )
        for n in range(count)
    ]


def seed_demo(
    community: Community,
    count: int,
    *,
    seed: int = 7,
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
    interactions: bool = True,
    now: datetime | None = None,
) -> int | None:
    """Record a demo community in batches; returns the last notification id."""
    rng = random.Random(seed + 1)
    now = now or utc_now()
    position = None
    pending: list[Member] = []
    for member in demo_members(count, seed=seed, now=now):
        pending.append(member)
        if len(pending) == batch:
            position = _save(community, pending, rng, now, interactions) or position
            _report(progress, len(pending))
            pending = []
    if pending:
        position = _save(community, pending, rng, now, interactions) or position
        _report(progress, len(pending))
    return position


@dataclass(frozen=True)
class DemoCommunity:
    """What seeding the demo community recorded."""

    members: int
    evaluations: int
    stage_changes: int


def seed_demo_community(
    runtime: Runtime,
    queries: MemberActivities,
    catch_up: CatchUp,
    count: int,
    *,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
    weeks: Callable[[datetime], None] | None = None,
) -> DemoCommunity:
    """The demo of `crm serve --demo`: members, their interactions, and their stage history.

    Stages are evaluated as of every Monday of the demo's two years, in order, then now,
    as a weekly `crm evaluate` would have, so that questions about the past (`asOf`,
    `stageHistory`) have answers.
    """
    now = utc_now()
    seed_demo(runtime.community, count, seed=seed, progress=progress, now=now)
    reports = evaluate_weekly(
        runtime, queries, catch_up, first_monday_after(now - HISTORY), now, progress=weeks
    )
    return DemoCommunity(
        members=count,
        evaluations=len(reports),
        stage_changes=sum(report.changed for report in reports),
    )


def first_monday_after(instant: datetime) -> datetime:
    """Midnight (in the instant's zone) of the first Monday after `instant`."""
    midnight = instant.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(days=7 - midnight.weekday())


def _save(
    community: Community,
    members: list[Member],
    rng: random.Random,
    now: datetime,
    interactions: bool,
) -> int | None:
    position = community.save_new_members(members)
    if not interactions:
        return position
    records = [r for m in members if not m.is_bot for r in demo_interactions(m, rng, now)]
    for start in range(0, len(records), INTERACTION_BATCH):
        chunk = records[start : start + INTERACTION_BATCH]
        report = community.record_interactions(chunk, create_unknown_members=False)
        position = report.position or position
    return position


def _member(
    rng: random.Random, number: int, now: datetime, channels: list[Channel], weights: list[int]
) -> Member:
    is_bot = rng.random() < 0.01
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = rng.choice(BOTS) if is_bot else f"{first} {last}"
    # Communities grow: more members joined recently than two years ago.
    joined_at = now - HISTORY * (1 - rng.random() ** 0.6)
    source = rng.choices(channels, weights)[0]
    member = Member.join(
        display_name=name,
        email=None
        if is_bot or rng.random() < 0.3
        else f"{first}.{last}{number}@example.org".lower(),
        joined_at=joined_at,
        source_channel=source.value,
        attributes=_attributes(rng),
        now=now,
    )
    handle = f"{first}{last}{number}".lower() if not is_bot else f"bot-{number}"
    for channel in {source, *rng.sample(channels, rng.choice((0, 0, 1, 2)))}:
        if channel is not Channel.EMAIL:
            member.link_identity(channel.value, handle)
    for tag in rng.sample(TAGS, rng.choice((0, 0, 0, 1, 1, 2))):
        member.tag(tag)
    member.mark_as_bot(is_bot)
    member.mark_as_staff(not is_bot and rng.random() < 0.03)
    if rng.random() < 0.08:
        left_at = joined_at + (now - joined_at) * rng.random()
        member.leave(left_at=left_at, reason=rng.choice((None, "moved on", "inactive")), now=now)
    return member


def _attributes(rng: random.Random) -> dict[str, str]:
    attributes = {}
    if rng.random() < 0.6:
        attributes["city"] = rng.choice(CITIES)
    if rng.random() < 0.5:
        attributes["company"] = rng.choice(COMPANIES)
    return attributes


def _report(progress: Callable[[int], None] | None, amount: int) -> None:
    if progress:
        progress(amount)
