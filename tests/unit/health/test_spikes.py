"""Spikes: a median and MAD band over a trailing window, with a floor for flat histories."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.errors import InvalidField
from domain.health import Spike, SpikeRule, spikes

RULE = SpikeRule()  # k 3, window 8, judged from the 5th period, band at least 3 and 25 %


def weekly(*values: float) -> list[tuple[date, float]]:
    monday = date(2026, 1, 5)
    return [(monday + timedelta(weeks=i), value) for i, value in enumerate(values)]


def test_a_planted_spike_is_found_with_its_level_band_and_excess() -> None:
    series = weekly(10, 12, 11, 9, 10, 11, 10, 12, 40, 11)

    # Week 9's window 10 12 11 9 10 11 10 12: median 10.5; deviations give a MAD of 0.5,
    # 3 × 1.4826 × 0.5 = 2.22 is below the floor of 3 (and 25 % of 10.5 = 2.625): band 3.
    # Week 10's window holds the spike, but its median is 11: 11 is no spike.
    assert spikes(series, RULE) == [Spike(date(2026, 3, 2), 40, 10.5, 3.0, 29.5)]


def test_a_flat_series_has_no_spike() -> None:
    assert spikes(weekly(*[20] * 12), RULE) == []


def test_a_zero_mad_falls_back_to_the_minimum_band() -> None:
    series = weekly(*[20] * 8, 24, 26)

    # Level 20, MAD 0: the band is 25 % of 20 = 5, so 24 is usual and 26 stands out by 6.
    assert spikes(series, RULE) == [Spike(date(2026, 3, 9), 26, 20, 5.0, 6)]


def test_a_wide_mad_band_hides_a_jump_a_quiet_history_would_show() -> None:
    noisy = weekly(10, 30, 10, 30, 10, 30, 10, 30, 55)
    judged_last = {"min_history": 8}

    # Median 20, MAD 10: 3 × 14.826 = 44.478 puts 55 inside the band; 2 × 14.826 does not.
    assert spikes(noisy, SpikeRule(**judged_last)) == []
    (spike,) = spikes(noisy, SpikeRule(k=2, **judged_last))
    assert (spike.level, spike.band, spike.excess) == (20, pytest.approx(29.652), 35)


def test_periods_before_the_minimum_history_are_not_judged() -> None:
    assert spikes(weekly(1, 1, 1, 100), RULE) == []
    assert spikes(weekly(1, 1, 1, 100), SpikeRule(min_history=3)) == [
        Spike(date(2026, 1, 26), 100, 1, 3.0, 99)
    ]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"k": 0}, "k"),
        ({"k": float("nan")}, "k"),
        ({"window": 2}, "window"),
        ({"window": 521}, "window"),
        ({"window": 8, "min_history": 9}, "min_history"),
        ({"min_band": -1}, "min_band"),
        ({"min_band_share": float("inf")}, "min_band_share"),
        ({"version": ""}, "version"),
    ],
)
def test_a_rule_out_of_range_is_refused(options: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        SpikeRule(**options)

    assert refused.value.field == field
