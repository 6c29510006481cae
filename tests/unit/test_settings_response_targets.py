"""Feedback response targets as settings: hours per priority, and a default."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from pydantic import ValidationError

from application.settings import Settings

HOUR = timedelta(hours=1)


def settings(**values: object) -> Settings:
    """Settings from these values only (no environment file)."""
    given = {"database_url": "postgresql://crm@db/crm", **values}
    return Settings(_env_file=None, **given)  # type: ignore[call-arg]


def test_the_default_targets() -> None:
    """Urgent 4 h, high 24 h, normal 72 h, low a week; untriaged items 72 h."""
    assert settings().response_targets() == {
        "urgent": 4 * HOUR,
        "high": 24 * HOUR,
        "normal": 72 * HOUR,
        "low": 168 * HOUR,
        None: 72 * HOUR,
    }


def test_targets_are_json_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Those named replace the defaults; the others stay."""
    monkeypatch.setenv("CRM_FEEDBACK_RESPONSE_TARGETS", '{"urgent": 1.5, "default": 48}')
    targets = settings().response_targets()
    assert targets["urgent"] == 1.5 * HOUR
    assert targets[None] == 48 * HOUR
    assert targets["low"] == 168 * HOUR


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"critical": 2}, "unknown priorities ['critical']"),
        ({"urgent": 0}, "greater than 0"),
        ({"low": 9000}, "less than or equal to 8784"),
    ],
)
def test_bad_targets_are_refused_at_start_up(given: dict[str, float], message: str) -> None:
    """Only priorities and `default`, each more than 0 and at most a year of hours."""
    with pytest.raises(ValidationError, match=re.escape(message)):
        settings(feedback_response_targets=given)
