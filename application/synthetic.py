"""A seeded synthetic community: who its members are and what they do, streamed.

Members join over two years; activity is heavy-tailed (a few members do most of it); a
share of members go quiet at some point, so at-risk and inactive members exist; a share
of records are repeated, as real exports repeat them. Nothing is held in memory: each
member's traits derive from (seed, member number), and each interaction picks its member
by inverse-transform sampling of a power law.

The one generator of the project: bench/generate.py writes its `ingestion_records` as
NDJSON for the benchmarks; api/demo.py records its `profile`s and `interactions` for
`crm demo` and `crm serve --demo`.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

CHANNELS = ("discord", "slack", "github", "discourse", "meetup", "twitter")
CHANNEL_WEIGHTS = (45, 15, 15, 15, 5, 5)
KINDS = (
    "message",
    "reply",
    "reaction_given",
    "post",
    "pull_request",
    "issue",
    "answer_accepted",
    "event_attended",
    "content_shared",
    "support_request",
)
KIND_WEIGHTS = (45, 20, 14, 6, 3, 3, 2, 2, 3, 2)


@dataclass(frozen=True)
class Shape:
    """The size and shape of a synthetic community."""

    members: int = 1_000_000
    interactions: int = 20_000_000
    seed: int = 42
    history: timedelta = timedelta(days=730)
    # Member n is drawn as members * u ** concentration: with 4, the busiest 1% of members
    # make about 32% of the interactions and the busiest 10% about 56% (the 90-9-1 pattern).
    concentration: float = 4.0
    quiet_share: float = 0.3  # members whose activity stops at some point
    duplicate_share: float = 0.01  # records repeated (same channel and external id)
    end: datetime = datetime(2026, 11, 1, tzinfo=UTC)

    def scaled(self, factor: float) -> Shape:
        """The same shape with proportionally fewer (or more) members and interactions."""
        return replace(
            self,
            members=max(1, round(self.members * factor)),
            interactions=max(1, round(self.interactions * factor)),
        )


@dataclass(frozen=True)
class Persona:
    """The traits of member number n: where they are, when they joined, when they stopped."""

    handle: str
    channel: str
    joined_at: datetime
    active_until: datetime
    number: int = 0


def persona(shape: Shape, number: int) -> Persona:
    """Member `number`'s traits, the same every time for a given seed."""
    joins, goes_quiet, quiet_point, pick = (_uniform(shape.seed, number, t) for t in range(4))
    # Communities grow: more members joined recently than two years ago.
    joined_at = shape.end - shape.history * (1 - joins**0.6)
    active_until = shape.end
    if goes_quiet < shape.quiet_share:
        active_until = joined_at + (shape.end - joined_at) * quiet_point
    channel = CHANNELS[bisect.bisect(_CUMULATIVE, pick * _CUMULATIVE[-1])]
    return Persona(f"member{number}", channel, joined_at, active_until, number)


_CUMULATIVE = list(itertools.accumulate(CHANNEL_WEIGHTS))
_MASK = (1 << 64) - 1


def _uniform(seed: int, number: int, trait: int) -> float:
    """A uniform in [0, 1) from (seed, member, trait): splitmix64, no generator object."""
    z = (seed * 0x9E3779B97F4A7C15 + number * 4 + trait + 1) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return ((z ^ (z >> 31)) >> 11) / float(1 << 53)


@dataclass(frozen=True)
class SyntheticInteraction:
    """Record number `number` of the stream: who did what, where and when."""

    number: int
    member: Persona
    channel: str
    kind: str
    occurred_at: datetime


def interactions(shape: Shape) -> Iterator[SyntheticInteraction]:
    """`shape.interactions` records, heavy-tailed over members, with some repeated."""
    rng = random.Random(f"{shape.seed}:interactions")
    previous: SyntheticInteraction | None = None
    for number in range(shape.interactions):
        if previous is not None and rng.random() < shape.duplicate_share:
            yield previous
            continue
        member = persona(
            shape, min(int(shape.members * rng.random() ** shape.concentration), shape.members - 1)
        )
        span = (member.active_until - member.joined_at).total_seconds()
        occurred_at = member.joined_at + timedelta(seconds=rng.random() * max(span, 1.0))
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        previous = SyntheticInteraction(number, member, member.channel, kind, occurred_at)
        yield previous


def ingestion_records(shape: Shape) -> Iterator[dict[str, Any]]:
    """The interactions in the ingestion format, each member known by their handle."""
    for interaction in interactions(shape):
        yield {
            "identity_channel": interaction.member.channel,
            "identity_handle": interaction.member.handle,
            "channel": interaction.channel,
            "kind": interaction.kind,
            "occurred_at": interaction.occurred_at.isoformat(),
            "external_id": f"synthetic-{shape.seed}-{interaction.number}",
        }


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
# Where else members link a handle, besides the channel they came from.
OTHER_CHANNELS = (*CHANNELS, "linkedin", "gitlab", "reddit")
BOT_SHARE, STAFF_SHARE = 0.01, 0.03
LEAVING_SHARE = 0.27  # of the members who go quiet: about 8% of all


@dataclass(frozen=True)
class Profile:
    """Member n as a demo shows them: their persona, name, contact, links, tags and flags."""

    persona: Persona
    display_name: str
    email: str | None
    handle: str
    channels: tuple[str, ...]  # where their handle is linked, the persona's channel first
    attributes: dict[str, str]
    tags: tuple[str, ...]
    is_bot: bool
    is_staff: bool
    left_at: datetime | None  # members who leave do so when they go quiet
    leave_reason: str | None


def profile(shape: Shape, number: int) -> Profile:
    """Member `number` with a name, links, tags and flags, the same every time for a seed."""
    person = persona(shape, number)
    rng = random.Random(f"{shape.seed}:profile:{number}")
    is_bot = rng.random() < BOT_SHARE
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    others = rng.sample(OTHER_CHANNELS, rng.choice((0, 0, 1, 2)))
    leaves = person.active_until < shape.end and rng.random() < LEAVING_SHARE
    return Profile(
        persona=person,
        display_name=rng.choice(BOTS) if is_bot else f"{first} {last}",
        email=None
        if is_bot or rng.random() < 0.3
        else f"{first}.{last}{number}@example.org".lower(),
        handle=f"bot-{number}" if is_bot else f"{first}{last}{number}".lower(),
        channels=tuple(dict.fromkeys((person.channel, *others))),
        attributes=_attributes(rng),
        tags=tuple(rng.sample(TAGS, rng.choice((0, 0, 0, 1, 1, 2)))),
        is_bot=is_bot,
        is_staff=not is_bot and rng.random() < STAFF_SHARE,
        left_at=person.active_until if leaves else None,
        leave_reason=rng.choice((None, "moved on", "inactive")) if leaves else None,
    )


def _attributes(rng: random.Random) -> dict[str, str]:
    attributes = {}
    if rng.random() < 0.6:
        attributes["city"] = rng.choice(CITIES)
    if rng.random() < 0.5:
        attributes["company"] = rng.choice(COMPANIES)
    return attributes
