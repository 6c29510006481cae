"""The app with its webhooks deliverer in-process, loopback receivers allowed, fast retries."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.auth import Role
from api.services import Services
from application.runtime import Runtime
from tests.api.conftest import Api, serving
from tests.conftest import create_database, drop_database, test_settings
from tests.webhook_receiver import Receiver, receiving

# Tests allow loopback receivers explicitly; retries back off from 50 ms, not 10 s.
WEBHOOK_SETTINGS: dict[str, object] = {
    "webhooks_allow_private_addresses": True,
    "webhooks_retry_first_seconds": 0.05,
    "webhooks_retry_longest_seconds": 0.2,
    "webhooks_poll_seconds": 0.1,
    "webhooks_timeout_seconds": 2.0,
    "projection_poll_seconds": 0.1,
}

CREATE = """
mutation Create($input: CreateWebhookSubscriptionInput!) {
  createWebhookSubscription(input: $input) {
    __typename
    ... on WebhookSubscriptionCreated {
      secret position
      subscription { id url eventTypes role status filter { memberIds channels } }
    }
    ... on Error { message }
    ... on ValidationFailed { fieldErrors { field message code } }
    ... on Forbidden { requiredRoles }
  }
}
"""


@pytest.fixture(scope="module")
def hooks(server_url: str, template_database: str) -> Iterator[Api]:
    """uvicorn serving the app, with projections and the webhooks deliverer in-process."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}_hooks"
    url = create_database(server_url, name, template=template_database)
    runtime = Runtime.start(test_settings(url, **WEBHOOK_SETTINGS))
    services = Services.build(runtime, run_projections=True, deliver_webhooks=True)
    try:
        with serving(create_app(services=services)) as base, httpx.Client(timeout=30) as client:
            yield Api(base, services, client)
    finally:
        services.close()
        drop_database(server_url, name)


@pytest.fixture(scope="module")
def hooks_admin(hooks: Api) -> str:
    """An admin's key on the webhooks app."""
    return hooks.key(Role.ADMIN)


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    """A loopback receiver for the module's tests (each test posts to its own path)."""
    with receiving() as running:
        yield running


def create(api: Api, key: str, **input: Any) -> dict[str, Any]:
    """createWebhookSubscription's result."""
    body = api.graphql(CREATE, {"input": input}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["createWebhookSubscription"]
    return result


def subscribe(api: Api, key: str, url: str, **input: Any) -> dict[str, Any]:
    """A subscription that must be created: its result (with the secret)."""
    result = create(api, key, url=url, **input)
    assert result["__typename"] == "WebhookSubscriptionCreated", result
    return result
