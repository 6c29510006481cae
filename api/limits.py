"""Transport limits: request body size (the JSON nesting bound is application.json_depth),
and the bounds of a subscription socket."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A socket that has not sent its connection_init (with its key) by then is closed (4408).
SOCKET_INIT_SECONDS = 10
# Operations one socket may run at once; one more is answered with an error.
MAX_SUBSCRIPTIONS_PER_SOCKET = 20


class BodyTooLarge(Exception):
    """A request body beyond the configured size."""


class BodySizeLimit:
    """ASGI middleware answering 413 to bodies over `max_bytes`, except on streamed paths."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, streamed: tuple[str, ...]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.streamed = streamed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse on Content-Length at once; count the bytes of chunked bodies as they come."""
        if scope["type"] != "http" or scope["path"].startswith(self.streamed):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        message = f"request body larger than {self.max_bytes} bytes"
        body: dict[str, Any] = {"detail": message}
        if scope["path"].startswith("/graphql"):
            body = {"data": None, "errors": [_error(message, "PAYLOAD_TOO_LARGE")]}
        payload = orjson.dumps(body)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _error(message: str, code: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code}}


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
