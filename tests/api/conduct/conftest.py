"""Fixtures of the conduct API tests."""

from __future__ import annotations

import pytest

from api.auth import Role
from tests.api.conftest import Api


@pytest.fixture(scope="module")
def manager_key(api: Api) -> str:
    """A manager's key."""
    return api.key(Role.MANAGER)
