"""Property-based fuzz of the subscriptions that take arguments, over a real WebSocket.

Variables come from the schema (tests/api/fuzzing.py), as for queries and mutations:
whatever they are, a subscription is answered with an error of the client's or its
messages, never a masked "Unexpected error", and the socket stays open.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import Api
from tests.api.fuzzing import document, operation_fields, variables
from tests.api.live.sockets import Socket

# Each example waits this long for an answer: errors of the client's come at once.
ANSWER_SECONDS = 0.05
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def socket(live: Api, manager_key: str) -> Iterator[Socket]:
    """One signed-in socket for every example."""
    opened = Socket(live.url, manager_key)
    yield opened
    opened.close()


def test_every_subscription_with_arguments_is_fuzzed() -> None:
    assert {"memberChanged", "feedbackChanged"} <= set(operation_fields("subscription"))


@pytest.mark.parametrize("name", operation_fields("subscription"))
@settings(FUZZ)
@given(data=st.data())
def test_subscription_fuzz(socket: Socket, name: str, data: st.DataObject) -> None:
    """Random variables for one subscription: an answer or a client error, never a bug."""
    sent = data.draw(variables("subscription", name), label="variables")
    operation = str(next(_ids))
    socket.subscribe(operation, document("subscription", name), **sent)
    # An answer may come after the wait, in a later example's: every message is checked.
    while True:
        try:
            _check(socket.receive(ANSWER_SECONDS), sent)
        except TimeoutError:
            break
    socket.ws.send(json.dumps({"id": operation, "type": "complete"}))


def _check(message: dict[str, Any], sent: dict[str, Any]) -> None:
    assert message["type"] in ("next", "error", "complete"), (sent, message)
    errors = message["payload"] if message["type"] == "error" else message.get("payload", {})
    errors = errors.get("errors", []) if isinstance(errors, dict) else errors
    for error in errors:
        assert "Unexpected error" not in error["message"], (sent, error)
        assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", (sent, error)
