"""Settings: rules are configuration, and a changed rule must carry a new name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from application.settings import Settings
from domain.interactions.engagement import DEFAULT_RULE
from domain.interactions.interaction import InteractionKind


def settings(**values: object) -> Settings:
    """Settings from these values only (no environment file)."""
    given = {"database_url": "postgresql://crm@db/crm", **values}
    return Settings(_env_file=None, **given)  # type: ignore[call-arg]


def test_the_defaults_are_the_documented_rules() -> None:
    configured = settings()
    assert configured.engagement_rule() == DEFAULT_RULE
    assert configured.stage_rule().silent_at_risk == timedelta(days=21)


def test_weights_and_half_life_are_configurable_under_a_new_version() -> None:
    rule = settings(
        engagement_rule_version="docs-first",
        engagement_half_life_days=14,
        engagement_weights={"content_shared": 9},
    ).engagement_rule()
    assert rule.version == "docs-first" and rule.half_life == timedelta(days=14)
    assert rule.weight(InteractionKind.CONTENT_SHARED) == 9
    assert rule.weight(InteractionKind.MESSAGE) == DEFAULT_RULE.weight(InteractionKind.MESSAGE)


@pytest.mark.parametrize(
    "values",
    [
        {"engagement_half_life_days": 7},
        {"engagement_weights": {"message": 1}},
        {"at_risk_silent_days": 10},
        {"engagement_rule_version": "x", "engagement_weights": {"hug": 1}},
        {"engagement_rule_version": "x", "engagement_weights": {"message": -1}},
        {"stage_rule_version": "x", "at_risk_drop_fraction": 0.9, "at_risk_recover_fraction": 0.5},
        {"database_url": "mysql://nope"},
        {"environment": "production"},
    ],
)
def test_bad_or_unnamed_configuration_is_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        settings(**values)
