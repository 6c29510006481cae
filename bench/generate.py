"""A seeded synthetic community, streamed as NDJSON in the ingestion format.

Members join over two years; activity is heavy-tailed (a few members do most of it); a
share of members go quiet at some point, so at-risk and inactive members exist; a share
of records are repeated, as real exports repeat them. Nothing is held in memory: each
member's traits derive from (seed, member number), and each interaction picks its member
by inverse-transform sampling of a power law.

    python -m bench.generate --members 1000000 --interactions 20000000 > community.ndjson
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

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
        return Shape(
            members=max(1, round(self.members * factor)),
            interactions=max(1, round(self.interactions * factor)),
            seed=self.seed,
            history=self.history,
            concentration=self.concentration,
            quiet_share=self.quiet_share,
            duplicate_share=self.duplicate_share,
            end=self.end,
        )


@dataclass(frozen=True)
class Persona:
    """The traits of member number n: where they are, when they joined, when they stopped."""

    handle: str
    channel: str
    joined_at: datetime
    active_until: datetime


def persona(shape: Shape, number: int) -> Persona:
    """Member `number`'s traits, the same every time for a given seed."""
    joins, goes_quiet, quiet_point, pick = (_uniform(shape.seed, number, t) for t in range(4))
    # Communities grow: more members joined recently than two years ago.
    joined_at = shape.end - shape.history * (1 - joins**0.6)
    active_until = shape.end
    if goes_quiet < shape.quiet_share:
        active_until = joined_at + (shape.end - joined_at) * quiet_point
    channel = CHANNELS[bisect.bisect(_CUMULATIVE, pick * _CUMULATIVE[-1])]
    return Persona(f"member{number}", channel, joined_at, active_until)


_CUMULATIVE = list(itertools.accumulate(CHANNEL_WEIGHTS))
_MASK = (1 << 64) - 1


def _uniform(seed: int, number: int, trait: int) -> float:
    """A uniform in [0, 1) from (seed, member, trait): splitmix64, no generator object."""
    z = (seed * 0x9E3779B97F4A7C15 + number * 4 + trait + 1) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return ((z ^ (z >> 31)) >> 11) / float(1 << 53)


def interactions(shape: Shape) -> Iterator[dict[str, Any]]:
    """`shape.interactions` records, heavy-tailed over members, with some repeated."""
    rng = random.Random(f"{shape.seed}:interactions")
    previous: dict[str, Any] | None = None
    for number in range(shape.interactions):
        if previous is not None and rng.random() < shape.duplicate_share:
            yield previous
            continue
        member = persona(
            shape, min(int(shape.members * rng.random() ** shape.concentration), shape.members - 1)
        )
        span = (member.active_until - member.joined_at).total_seconds()
        occurred_at = member.joined_at + timedelta(seconds=rng.random() * max(span, 1.0))
        previous = {
            "identity_channel": member.channel,
            "identity_handle": member.handle,
            "channel": member.channel,
            "kind": rng.choices(KINDS, KIND_WEIGHTS)[0],
            "occurred_at": occurred_at.isoformat(),
            "external_id": f"synthetic-{shape.seed}-{number}",
        }
        yield previous


def write_ndjson(records: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write records one per line; returns how many."""
    count = 0
    for record in records:
        out.write(json.dumps(record, separators=(",", ":")) + "\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    """Write a synthetic community's interactions to standard output."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=Shape.members)
    parser.add_argument("--interactions", type=int, default=Shape.interactions)
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply both counts.")
    parser.add_argument("--seed", type=int, default=Shape.seed)
    options = parser.parse_args(argv)
    shape = Shape(members=options.members, interactions=options.interactions, seed=options.seed)
    try:
        write_ndjson(interactions(shape.scaled(options.scale)), sys.stdout)
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error
        sys.stderr.close()


if __name__ == "__main__":
    main()
