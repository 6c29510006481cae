"""The SQL rank-key functions: equal to their Python twins, and defined for any date."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from domain.interactions.engagement import DEFAULT_RULE, NO_ACTIVITY, add_to_rank_key
from tests.integration.conftest import rows, scalar

pytestmark = pytest.mark.integration

NOW = datetime(2026, 6, 1, tzinfo=UTC)
# The first and last instants Python represents, and a date of the last century.
MOMENTS = (
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(1900, 1, 1, tzinfo=UTC),
    NOW,
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
)
KEYS = [DEFAULT_RULE.increment(kind, m) for m in MOMENTS for kind in ("message", "pull_request")]


def sql_sum(url: str, keys: list[float]) -> float:
    """crm_rank_sum of the keys, in the order given."""
    query = "SELECT crm_rank_sum(k ORDER BY n) FROM unnest(%s::float8[]) WITH ORDINALITY AS t(k, n)"
    return float(scalar(url, query, (keys,)))


def test_adding_keys_of_any_two_dates_never_raises_and_matches_python(database: str) -> None:
    pairs = list(itertools.product([*KEYS, NO_ACTIVITY, 0.0, 1.5], repeat=2))
    found = rows(
        database,
        "SELECT crm_add_rank(a, b) FROM unnest(%s::float8[], %s::float8[]) AS t(a, b)",
        ([a for a, _ in pairs], [b for _, b in pairs]),
    )
    for (a, b), (in_sql,) in zip(pairs, found, strict=True):
        assert in_sql == pytest.approx(add_to_rank_key(a, b), rel=1e-12, abs=1e-12), (a, b)


def test_keys_of_today_add_as_before(database: str) -> None:
    """Close keys keep the formula of migration 0007: results within 1e-12 of Python's."""
    close = [DEFAULT_RULE.increment("message", NOW) - gap for gap in (0.0, 0.5, 7.0, 40.0, 63.0)]
    expected = NO_ACTIVITY
    for key in close:
        expected = add_to_rank_key(expected, key)
    assert sql_sum(database, close) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("moment", [m for m in MOMENTS if m != NOW], ids=str)
def test_a_key_of_a_far_date_sums_with_todays_in_sql(database: str, moment: datetime) -> None:
    """Centuries apart, the older term is negligible: the sum is the newer key, exactly."""
    today = DEFAULT_RULE.increment("message", NOW)
    term = DEFAULT_RULE.increment("pull_request", moment)
    assert sql_sum(database, [today, term]) == max(today, term)
    assert sql_sum(database, [term, today]) == max(today, term)


def test_sums_in_sql_order_like_the_dates(database: str) -> None:
    sums = [sql_sum(database, [DEFAULT_RULE.increment("message", m)]) for m in MOMENTS]
    assert sums == sorted(sums) and len(set(sums)) == len(MOMENTS)


def test_buckets_of_extreme_keys_stay_integers(database: str) -> None:
    found = rows(
        database,
        "SELECT crm_rank_bucket(k), (crm_rank_bucket(k) + 1) / 16.0::float8"
        " FROM unnest(%s::float8[]) AS k",
        ([-1e12, -1e9, -1.0, 0.0, 1.0, 1e9, 1e12],),
    )
    buckets = [bucket for bucket, _ in found]
    assert buckets[2:5] == [-16, 0, 16]
    assert buckets == sorted(buckets)
    assert max(buckets) < 2**31 - 1 and min(buckets) >= -(2**31)
