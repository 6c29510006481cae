"""A seeded, realistic demo community: names, identities across channels, two years of joins."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from application.community import Community, utc_now
from domain.member import Member
from domain.values import Channel

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


def demo_members(count: int, *, seed: int = 7, now: datetime | None = None) -> Iterator[Member]:
    """Members with their events pending, reproducible for a given seed."""
    rng = random.Random(seed)
    now = now or utc_now()
    channels = list(CHANNEL_WEIGHTS)
    weights = list(CHANNEL_WEIGHTS.values())
    for number in range(count):
        yield _member(rng, number, now, channels, weights)


def seed_demo(
    community: Community,
    count: int,
    *,
    seed: int = 7,
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int | None:
    """Record a demo community in batches; returns the last notification id."""
    position = None
    pending: list[Member] = []
    for member in demo_members(count, seed=seed):
        pending.append(member)
        if len(pending) == batch:
            position = community.save_new_members(pending)
            _report(progress, len(pending))
            pending = []
    if pending:
        position = community.save_new_members(pending)
        _report(progress, len(pending))
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
