"""A graphql-transport-ws client over a real WebSocket (the websockets library's sync client)."""

from __future__ import annotations

import json
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.api.conftest import Api

PROTOCOL = Subprotocol("graphql-transport-ws")


def open_socket(url: str) -> ClientConnection:
    """A socket to the server's /graphql speaking graphql-transport-ws (use it in `with`)."""
    return connect(
        url.replace("http://", "ws://", 1) + "/graphql", subprotocols=[PROTOCOL], open_timeout=10
    )


class Socket:
    """One signed-in socket and the operations started on it."""

    def __init__(self, url: str, key: str | None) -> None:
        self.ws = open_socket(url).__enter__()  # closed by close()
        self.ws.send(json.dumps(init_message(key)))
        ack = self.receive(10)
        assert ack["type"] == "connection_ack", ack

    def subscribe(self, operation_id: str, query: str, **variables: Any) -> None:
        """Start an operation (its messages come by receive)."""
        payload = {"query": query, "variables": variables}
        self.ws.send(json.dumps({"id": operation_id, "type": "subscribe", "payload": payload}))

    def receive(self, timeout: float) -> dict[str, Any]:
        """The next message other than ping/pong, within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            message: dict[str, Any] = json.loads(
                self.ws.recv(timeout=max(0.0, deadline - time.monotonic()))
            )
            if message["type"] == "ping":
                self.ws.send(json.dumps({"type": "pong"}))
            elif message["type"] != "pong":
                return message

    def next_payload(self, operation_id: str, timeout: float) -> dict[str, Any]:
        """The data of the operation's next message (asserting it has no errors)."""
        message = self.receive(timeout)
        assert message.get("id") == operation_id and message["type"] == "next", message
        assert "errors" not in message["payload"], message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    def nothing_within(self, seconds: float) -> bool:
        """No message comes in that time."""
        try:
            message = self.receive(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected message {message}")

    def close(self) -> None:
        """Close the socket."""
        self.ws.__exit__(None, None, None)


def init_message(key: str | None) -> dict[str, Any]:
    """connection_init with the key as the API takes it."""
    return {"type": "connection_init", "payload": {"authorization": f"Bearer {key}"} if key else {}}


def closed_code(ws: ClientConnection, timeout: float) -> int | None:
    """The close code the server sent, waiting up to `timeout` seconds for it."""
    deadline = time.monotonic() + timeout
    try:
        while True:
            ws.recv(timeout=max(0.0, deadline - time.monotonic()))
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


def wait_for_subscriptions(api: Api, count: int, timeout: float = 10) -> None:
    """Until the server follows `count` subscriptions (those started missed nothing since).

    Sockets closed by earlier tests are forgotten by the server shortly after: wait for 0
    before subscribing, then for the number started.
    """
    assert api.app is not None
    deadline = time.monotonic() + timeout
    while api.app.state.live.subscriptions != count:
        assert time.monotonic() < deadline, "the subscriptions did not start"
        time.sleep(0.01)
