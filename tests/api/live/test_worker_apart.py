"""A server without projections (`crm serve --no-projections`) still pushes the changes that
a separate `crm worker` process applies (or its own read-your-writes runner): it learns of
every commit from the database's announcements, never from a runner in its process."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from api.app import create_app
from api.auth import Role
from api.services import Services
from application.runtime import Runtime
from tests.api.conftest import Api, join, serving, succeed, unique
from tests.api.live.sockets import Socket
from tests.conftest import create_database, drop_database, test_settings
from tests.integration.test_cli import start_worker

MEMBER_CHANGED = "subscription M($id: ID!) { memberChanged(id: $id) { id tags } }"


@pytest.fixture(scope="module")
def apart(
    server_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """A served app that runs no projection, and a `crm worker` process beside it."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}_apart"
    url = create_database(server_url, name, template=template_database)
    worker, _ = start_worker(url, tmp_path_factory.mktemp("apart"), "worker.log")
    services = Services.build(Runtime.start(test_settings(url)), run_projections=False)
    app = create_app(services=services)
    try:
        with serving(app) as base, httpx.Client(timeout=30) as client:
            yield Api(base, services, client, app)
    finally:
        services.close()
        worker.terminate()
        worker.wait(30)
        drop_database(server_url, name)


def test_a_change_applied_by_a_separate_worker_reaches_the_subscriber(apart: Api) -> None:
    assert apart.services.worker is None
    key = apart.key(Role.MANAGER)
    member = join(apart, key)
    socket = Socket(apart.url, key)
    try:
        socket.subscribe("1", MEMBER_CHANGED, id=member["id"])
        assert socket.next_payload("1", 10)["memberChanged"]["tags"] == []
        tag = unique("apart-")
        succeed(apart, "tagMember", {"memberId": member["id"], "tag": tag}, key=key)
        tagged_at = time.monotonic()
        assert socket.next_payload("1", 2)["memberChanged"]["tags"] == [tag]
        assert time.monotonic() - tagged_at < 2
    finally:
        socket.close()
