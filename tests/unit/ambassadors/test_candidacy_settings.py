"""The candidacy rule as settings: defaults, overrides per factor, refusals naming the setting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from application.settings import Settings
from domain.ambassadors.candidacy import CandidacyRule, Factor


def settings(**values: object) -> Settings:
    """Settings from these values only (no environment file)."""
    given = {"database_url": "postgresql://crm@db/crm", **values}
    return Settings(_env_file=None, **given)  # type: ignore[call-arg]


def test_the_default_rule_is_the_domains() -> None:
    configured = settings()
    assert configured.candidacy_rule() == CandidacyRule()
    assert configured.candidacy_evaluation_seconds == 86_400


def test_the_environment_sets_every_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_CANDIDACY_RULE_VERSION", "stricter")
    monkeypatch.setenv("CRM_CANDIDACY_WINDOW_DAYS", "90")
    monkeypatch.setenv("CRM_CANDIDACY_HYSTERESIS", "0.8")
    monkeypatch.setenv("CRM_CANDIDACY_THRESHOLDS", '{"helpfulness": 20}')
    monkeypatch.setenv("CRM_CANDIDACY_WEIGHTS", '{"breadth": 0}')
    rule = settings().candidacy_rule()
    assert (rule.version, rule.window, rule.hysteresis) == ("stricter", timedelta(days=90), 0.8)
    assert rule.thresholds[Factor.HELPFULNESS] == 20 and rule.weights[Factor.BREADTH] == 0
    assert rule.thresholds[Factor.ENGAGEMENT] == CandidacyRule().thresholds[Factor.ENGAGEMENT]


def test_a_changed_rule_needs_a_new_version() -> None:
    with pytest.raises(ValidationError, match="CRM_CANDIDACY_RULE_VERSION"):
        settings(candidacy_window_days=90)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"candidacy_thresholds": {"consistency": 30}}, "CRM_CANDIDACY_THRESHOLDS.CONSISTENCY"),
        ({"candidacy_thresholds": {"likes": 3}}, "candidacy_thresholds"),
        ({"candidacy_hysteresis": 0}, "candidacy_hysteresis"),
        ({"candidacy_window_days": 4000}, "CRM_CANDIDACY_WINDOW_DAYS"),
        ({"candidacy_evaluation_seconds": -1}, "candidacy_evaluation_seconds"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused_at_start_up(
    values: dict[str, object], named: str
) -> None:
    with pytest.raises(ValidationError, match=named):
        settings(candidacy_rule_version="other", **values)
