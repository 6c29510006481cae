"""Subscription sockets sign in with an API key in connection_init, and end with it."""

from __future__ import annotations

import json
import time

import pytest

from api.auth import Role
from tests.api.conftest import Api, join
from tests.api.live.sockets import Socket, closed_code, init_message, open_socket

MEMBER_CHANGED = "subscription M($id: ID!) { memberChanged(id: $id) { id } }"


@pytest.mark.parametrize(
    "payload",
    [
        init_message(None),
        init_message("crm_not-a-key"),
        {"type": "connection_init", "payload": {"authorization": "Basic crm_x"}},
    ],
    ids=["missing", "unknown", "not-bearer"],
)
def test_a_socket_without_a_valid_key_is_refused_at_connection_init(
    live: Api, payload: dict[str, object]
) -> None:
    with open_socket(live.url) as ws:
        ws.send(json.dumps(payload))
        assert closed_code(ws, 5) == 4403


def test_a_subscription_before_connection_init_is_refused(live: Api) -> None:
    with open_socket(live.url) as ws:
        message = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": "subscription { atRiskChanged { atRisk } }"},
        }
        ws.send(json.dumps(message))
        assert closed_code(ws, 5) == 4401


def test_a_revoked_key_s_socket_is_closed_within_two_seconds(live: Api) -> None:
    key = live.services.api_keys.create(name="live-revoked", role=Role.MANAGER)
    member = join(live, key.secret)
    socket = Socket(live.url, key.secret)
    try:
        socket.subscribe("1", MEMBER_CHANGED, id=member["id"])
        socket.next_payload("1", 10)
        assert live.services.api_keys.revoke(key.key_id)
        revoked_at = time.monotonic()
        assert closed_code(socket.ws, 2) == 4403
        assert time.monotonic() - revoked_at < 2
    finally:
        socket.close()
    # Nor can it sign in again.
    with open_socket(live.url) as ws:
        ws.send(json.dumps(init_message(key.secret)))
        assert closed_code(ws, 5) == 4403


def test_subscriptions_over_http_are_refused_with_a_graphql_error(
    live: Api, manager_key: str
) -> None:
    response = live.client.post(
        f"{live.url}/graphql",
        json={"query": "subscription { atRiskChanged { atRisk } }"},
        headers={"Authorization": f"Bearer {manager_key}"},
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert "WebSocket" in error["message"] and error["extensions"]["code"] == "BAD_REQUEST"
