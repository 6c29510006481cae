"""Settings: rules are configuration, and a changed rule must carry a new name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from application.settings import Settings
from domain.interactions.engagement import DEFAULT_RULE
from domain.interactions.interaction import InteractionKind
from domain.lifecycle import StageRule


def settings(**values: object) -> Settings:
    """Settings from these values only (no environment file)."""
    given = {"database_url": "postgresql://crm@db/crm", **values}
    return Settings(_env_file=None, **given)  # type: ignore[call-arg]


def test_the_defaults_are_the_documented_rules() -> None:
    configured = settings()
    assert configured.engagement_rule() == DEFAULT_RULE
    assert configured.stage_rule() == StageRule()
    assert configured.stage_rule().version == "rhythm-2026-12"


def test_every_parameter_of_the_stage_rule_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    given = {
        "RULE_VERSION": "patient",
        "NEW_DAYS": "14",
        "BASELINE_WINDOW_DAYS": "730",
        "RECENT_WINDOW_DAYS": "14",
        "MIN_ACTIVE_WEEKS": "10",
        "GAP_PERCENTILE": "0.75",
        "GAP_FACTOR": "2",
        "MIN_SILENCE_DAYS": "21",
        "MAX_SILENCE_DAYS": "90",
        "INACTIVE_DAYS": "180",
        "RETURNING_DAYS": "42",
    }
    for name, value in given.items():
        monkeypatch.setenv(f"CRM_STAGE_{name}", value)
    assert settings().stage_rule() == StageRule(
        version="patient",
        new_for=timedelta(days=14),
        baseline_window=timedelta(days=730),
        recent_window=timedelta(days=14),
        min_active_weeks=10,
        gap_percentile=0.75,
        gap_factor=2.0,
        min_silence=timedelta(days=21),
        max_silence=timedelta(days=90),
        silent_inactive=timedelta(days=180),
        returning_grace=timedelta(days=42),
    )


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"stage_gap_factor": 2}, "CRM_STAGE_RULE_VERSION"),
        ({"stage_inactive_days": 120}, "CRM_STAGE_RULE_VERSION"),
        (
            {"stage_rule_version": "x", "stage_min_silence_days": 30, "stage_max_silence_days": 20},
            "CRM_STAGE_MIN_SILENCE_DAYS",
        ),
        (
            {"stage_rule_version": "x", "stage_max_silence_days": 60, "stage_inactive_days": 60},
            "CRM_STAGE_MAX_SILENCE_DAYS",
        ),
    ],
)
def test_a_changed_or_inconsistent_stage_rule_is_refused_saying_why(
    values: dict[str, object], named: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        settings(**values)
    assert named in str(refused.value)


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
        {"stage_min_active_weeks": 3},
        {"engagement_rule_version": "x", "engagement_weights": {"hug": 1}},
        {"engagement_rule_version": "x", "engagement_weights": {"message": -1}},
        {"stage_rule_version": "x", "stage_min_silence_days": 61},
        {"database_url": "mysql://nope"},
        {"environment": "production"},
    ],
)
def test_bad_or_unnamed_configuration_is_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        settings(**values)


@pytest.mark.parametrize("name", ["at_risk_silent_days", "inactive_silent_days"])
def test_the_old_stage_rules_settings_are_refused_not_ignored(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator's CRM_AT_RISK_SILENT_DAYS would otherwise look like it still did something."""
    with pytest.raises(ValidationError, match=f"CRM_{name.upper()}: no longer read"):
        settings(**{name: 30})
    monkeypatch.setenv(f"CRM_{name.upper()}", "30")
    with pytest.raises(ValidationError, match=f"CRM_{name.upper()}: no longer read"):
        settings()
