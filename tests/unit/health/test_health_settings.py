"""The health rule as settings: defaults, overrides, and refusals naming the setting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from application.settings import Settings
from domain.health import HealthRule


def settings(**values: object) -> Settings:
    """Settings from these values only (no environment file)."""
    given = {"database_url": "postgresql://crm@db/crm", **values}
    return Settings(_env_file=None, **given)  # type: ignore[call-arg]


def test_the_default_rule_is_the_domains() -> None:
    assert settings().health_rule() == HealthRule()


def test_the_environment_sets_every_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_HEALTH_RULE_VERSION", "quicker")
    monkeypatch.setenv("CRM_HEALTH_INACTIVE_WEEKS", "8")
    monkeypatch.setenv("CRM_HEALTH_REPEAT_THRESHOLD", "3")
    assert settings().health_rule() == HealthRule("quicker", 8, 3)


def test_a_changed_rule_needs_a_new_version() -> None:
    with pytest.raises(ValidationError, match="CRM_HEALTH_RULE_VERSION"):
        settings(health_inactive_weeks=8)


@pytest.mark.parametrize(
    ("field", "value"),
    [("health_inactive_weeks", 0), ("health_inactive_weeks", 521), ("health_repeat_threshold", 0)],
)
def test_out_of_range_is_refused_naming_the_setting(field: str, value: int) -> None:
    with pytest.raises(ValidationError, match=field):
        settings(**{field: value, "health_rule_version": "other"})
