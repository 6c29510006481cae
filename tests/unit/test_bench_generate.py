"""The synthetic community has the shape the benchmarks rely on, and streams as NDJSON."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import datetime
from types import GeneratorType

from application.interactions.ingestion import record_from_fields
from application.synthetic import Shape, persona
from application.synthetic import ingestion_records as interactions
from bench.generate import write_ndjson
from domain.interactions.commands import RecordInteraction

SMALL = Shape(members=2_000, interactions=20_000, seed=7)


def test_it_streams_and_is_the_same_for_a_seed() -> None:
    stream, again = interactions(SMALL), interactions(SMALL)
    assert isinstance(stream, GeneratorType)
    assert [next(stream) for _ in range(50)] == [next(again) for _ in range(50)]
    other_seed = interactions(Shape(members=2_000, interactions=20_000, seed=8))
    assert [next(other_seed) for _ in range(50)] != [next(interactions(SMALL)) for _ in range(50)]


def test_every_record_is_valid_for_ingestion() -> None:
    out = io.StringIO()
    assert write_ndjson(interactions(Shape(members=50, interactions=500, seed=3)), out) == 500
    for number, line in enumerate(out.getvalue().splitlines(), start=1):
        assert isinstance(record_from_fields(number, json.loads(line)), RecordInteraction)


def test_activity_is_heavy_tailed_and_some_records_repeat() -> None:
    records = list(interactions(SMALL))
    per_member = Counter(r["identity_handle"] for r in records)
    busiest = sum(n for _, n in per_member.most_common(SMALL.members // 100))
    assert busiest > 0.2 * len(records)  # the top 1% do over a fifth of everything
    repeats = len(records) - len({(r["channel"], r["external_id"]) for r in records})
    assert 0.005 * len(records) < repeats < 0.02 * len(records)


def test_members_join_over_two_years_and_some_go_quiet() -> None:
    people = [persona(SMALL, n) for n in range(SMALL.members)]
    joined = [p.joined_at for p in people]
    assert min(joined) >= SMALL.end - SMALL.history and max(joined) <= SMALL.end
    quiet = sum(p.active_until < SMALL.end for p in people)
    assert 0.2 * SMALL.members < quiet < 0.4 * SMALL.members
    records = list(interactions(Shape(members=200, interactions=5_000, seed=5)))
    for record in records[:500]:
        member = persona(
            Shape(members=200, interactions=5_000, seed=5), int(record["identity_handle"][6:])
        )
        moment = datetime.fromisoformat(record["occurred_at"])
        assert member.joined_at <= moment <= member.active_until


def test_scaling_shrinks_both_counts() -> None:
    scaled = Shape().scaled(0.001)
    assert (scaled.members, scaled.interactions) == (1_000, 20_000)
