"""Fixtures of the health tests: a clock that sets the day events are recorded on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eventsourcing.domain import CanCreateTimestamp

from tests.integration.health.test_health_projection import Clock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """Events recorded at the clock's time instead of now."""
    found = Clock()
    monkeypatch.setattr(CanCreateTimestamp, "create_timestamp", staticmethod(lambda: found.now))
    yield found
