"""The at-risk list's order is the stakes' order at any instant, whenever each was measured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from projections.lifecycle.projection import _rank_key

START = datetime(2025, 1, 1, tzinfo=UTC)


@given(
    st.lists(
        st.tuples(st.floats(0, 300), st.integers(0, 400), st.integers(0, 400)),
        min_size=2,
        max_size=10,
    ),
    st.integers(400, 800),
)
def test_keys_order_members_as_their_stakes_do_when_read(
    members: list[tuple[float, int, int]], read_day: int
) -> None:
    # Each member's stake was measured on some day; a stake grows a day a day after that.
    keys, stakes_when_read = [], []
    for stake, measured_day, _ in members:
        measured = START + timedelta(days=measured_day)
        keys.append(_rank_key({"stake": stake}, measured))
        stakes_when_read.append(stake + (read_day - measured_day))
    by_key = sorted(range(len(members)), key=lambda i: keys[i])
    by_stake = sorted(range(len(members)), key=lambda i: stakes_when_read[i])
    assert [round(stakes_when_read[i], 6) for i in by_key] == [
        round(stakes_when_read[i], 6) for i in by_stake
    ]


def test_older_rules_evidence_keeps_its_score() -> None:
    assert _rank_key({"score": 12.5}, START) == 12.5
