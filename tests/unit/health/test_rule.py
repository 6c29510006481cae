"""The health rule: defaults and the ranges its parameters must stay in."""

from __future__ import annotations

from typing import Any

import pytest

from domain.health import HealthRule, InvalidHealthRule


def test_defaults_are_twelve_weeks_and_four_interactions() -> None:
    rule = HealthRule()

    assert (rule.inactive_weeks, rule.repeat_threshold, rule.version) == (12, 4, "health-2026-12")


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"inactive_weeks": 0}, "inactive_weeks"),
        ({"inactive_weeks": 521}, "inactive_weeks"),
        ({"repeat_threshold": 0}, "repeat_threshold"),
        ({"version": ""}, "version"),
        ({"version": "x" * 101}, "version"),
    ],
)
def test_a_rule_out_of_range_is_refused(options: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidHealthRule) as refused:
        HealthRule(**options)

    assert refused.value.field == field
