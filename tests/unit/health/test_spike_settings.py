"""The spike rule is configured by CRM_HEALTH_SPIKE_*, validated at start-up."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from application.settings import Settings
from domain.health import SpikeRule


def settings(**values: object) -> Settings:
    given = {"database_url": "postgresql://crm@db/crm", **values}
    return Settings(_env_file=None, **given)  # type: ignore[call-arg]


def test_the_default_is_the_domain_rule_and_each_parameter_a_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert settings().spike_rule() == SpikeRule()
    monkeypatch.setenv("CRM_HEALTH_SPIKE_RULE_VERSION", "spikes-wide")
    monkeypatch.setenv("CRM_HEALTH_SPIKE_K", "2.5")
    monkeypatch.setenv("CRM_HEALTH_SPIKE_WINDOW", "28")
    monkeypatch.setenv("CRM_HEALTH_SPIKE_MIN_HISTORY", "7")
    monkeypatch.setenv("CRM_HEALTH_SPIKE_MIN_BAND", "5")
    monkeypatch.setenv("CRM_HEALTH_SPIKE_MIN_BAND_SHARE", "0.5")
    rule = Settings(_env_file=None).spike_rule()  # type: ignore[call-arg]
    assert rule.version == "spikes-wide"
    assert (rule.k, rule.window, rule.min_history, rule.min_band, rule.min_band_share) == (
        2.5,
        28,
        7,
        5,
        0.5,
    )


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"health_spike_k": 0}, "CRM_HEALTH_SPIKE_K"),
        ({"health_spike_k": 2}, "CRM_HEALTH_SPIKE_RULE_VERSION"),
        ({"health_spike_window": 2}, "CRM_HEALTH_SPIKE_WINDOW"),
        (
            {
                "health_spike_window": 5,
                "health_spike_min_history": 6,
                "health_spike_rule_version": "x",
            },
            "CRM_HEALTH_SPIKE_MIN_HISTORY",
        ),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused_naming_the_setting(
    values: dict[str, object], named: str
) -> None:
    with pytest.raises(ValidationError, match=named):
        settings(**values)
