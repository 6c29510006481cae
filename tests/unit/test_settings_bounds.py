"""The accepted span of moments, and the stage rule's ranges, as settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from application.settings import Settings
from domain.moments import DEFAULT_BOUNDS


def settings(**values: object) -> Settings:
    """Settings from these values only (no environment file)."""
    given = {"database_url": "postgresql://crm@db/crm", **values}
    return Settings(_env_file=None, **given)  # type: ignore[call-arg]


def test_the_default_span_runs_from_1990_to_five_minutes_ahead() -> None:
    bounds = settings().time_bounds()
    assert bounds == DEFAULT_BOUNDS
    assert bounds.earliest == datetime(1990, 1, 1, tzinfo=UTC)
    assert bounds.max_future_skew == timedelta(seconds=300)


def test_the_span_is_configurable_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_EARLIEST_VALID_DATE", "2015-06-01")
    monkeypatch.setenv("CRM_MAX_FUTURE_SKEW_SECONDS", "0")
    bounds = settings().time_bounds()
    assert bounds.earliest == datetime(2015, 6, 1, tzinfo=UTC)
    assert bounds.max_future_skew == timedelta(0)


@pytest.mark.parametrize(
    "values",
    [
        {"earliest_valid_date": date(1899, 12, 31)},
        {"earliest_valid_date": datetime.now(UTC).date() + timedelta(days=1)},
        {"earliest_valid_date": "1 Jan 1990"},
        {"max_future_skew_seconds": -1},
        {"max_future_skew_seconds": 86_401},
    ],
)
def test_values_out_of_range_are_refused_at_start_up(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        settings(**values)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("stage_rule_version", ""),
        ("stage_rule_version", "v" * 101),
        ("stage_new_days", 0),
        ("stage_baseline_window_days", 3651),
        ("stage_recent_window_days", 0),
        ("stage_min_active_weeks", 0),
        ("stage_min_active_weeks", 53),
        ("stage_gap_percentile", 0),
        ("stage_gap_percentile", 1.01),
        ("stage_gap_percentile", "nan"),
        ("stage_gap_factor", 0),
        ("stage_gap_factor", 100.5),
        ("stage_gap_factor", "inf"),
        ("stage_min_silence_days", 0),
        ("stage_max_silence_days", 3651),
        ("stage_inactive_days", 3651),
        ("stage_returning_days", 0),
    ],
)
def test_stage_rule_settings_out_of_the_rules_range_are_refused_by_name(
    setting: str, value: object
) -> None:
    """The bounds are the domain's: a setting it would refuse never reaches StageRule."""
    values = {"stage_rule_version": "ranged", setting: value}
    with pytest.raises(ValidationError) as refused:
        settings(**values)
    (error,) = refused.value.errors()
    assert error["loc"] == (setting,)
