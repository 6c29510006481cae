"""A server of this folder's own: its subscriptions are this folder's tests' alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.auth import Role
from tests.api.conftest import Api, served_api


@pytest.fixture(scope="package")
def live(server_url: str, template_database: str) -> Iterator[Api]:
    """uvicorn serving the app in a thread, projections in-process, on a database of its own."""
    with served_api(server_url, template_database) as served:
        yield served


@pytest.fixture(scope="package")
def manager_key(live: Api) -> str:
    """A community manager's key: reads personal data."""
    return live.key(Role.MANAGER)


@pytest.fixture(scope="package")
def viewer_key(live: Api) -> str:
    """A viewer's key: no personal data."""
    return live.key(Role.VIEWER)
