"""GraphQL over HTTP with strict request checks: every refusal is a JSON GraphQL error;
subscriptions over WebSocket (graphql-transport-ws), signed in with an API key."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types.unset import UNSET, UnsetType

from api.graphql.context import Context
from api.graphql.parse_memo import parsed
from api.graphql.ratelimit import RATE_LIMITED
from api.graphql.schema import MAX_TOKENS
from api.services import in_thread
from api.static.pages import graphiql_html
from application.json_depth import TooDeep, load_json

# A WebSocket close frame's reason holds at most 123 bytes.
MAX_CLOSE_REASON = 120
REVOKED = 4403


class CrmGraphQLRouter(GraphQLRouter[Context, None]):
    """Refuses malformed requests with 400 and rate-limited ones with 429, always as JSON."""

    def __init__(self, *args: Any, max_json_depth: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_json_depth = max_json_depth

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """The GraphiQL page, loading vendored scripts rather than a CDN's: works offline."""
        return HTMLResponse(graphiql_html())

    def decode_json(self, data: str | bytes) -> object:
        """Decode a JSON object (the body, or GET `variables`) with a nesting limit."""
        try:
            value = load_json(data, self.max_json_depth)
        except TooDeep as error:
            raise HTTPException(400, f"request JSON: {error}") from None
        if not isinstance(value, dict):
            raise HTTPException(
                400,
                "request JSON must be an object (with `query`, and optionally `variables` and"
                f" `operationName`), not {_json_type(value)}",
            )
        return value

    async def parse_http_body(self, request: Any) -> GraphQLRequestData:
        """One operation per request, chosen unambiguously by `operationName`."""
        data = await super().parse_http_body(request)
        if isinstance(data, list):  # batching is off; strawberry refuses lists before this
            raise HTTPException(400, "batched requests are not supported")
        _check_operation_name(data.query, data.operation_name)
        return data

    async def run(
        self, request: Request | WebSocket, context: Any = None, root_value: Any = None
    ) -> Any:
        """Strawberry's own refusals (400, 405...) as GraphQL errors in JSON, not plain text."""
        if isinstance(request, WebSocket):
            return await self._run_socket(request, context, root_value)
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as error:
            return _error_response(error.status_code, error.reason, "BAD_REQUEST")

    async def _run_socket(self, socket: WebSocket, context: Any, root_value: Any) -> Any:
        """A socket's session; a message refused (JSON too deep...) closes it with 4400."""
        try:
            return await super().run(socket, context=context, root_value=root_value)
        except HTTPException as error:
            await socket.close(code=4400, reason=error.reason[:MAX_CLOSE_REASON])
            return socket
        finally:
            if isinstance(context, Context) and context.forget_socket is not None:
                context.forget_socket()

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Sign a socket in with the key of its connection_init payload
        (`{"authorization": "Bearer crm_..."}`); refused: closed with 4403. The socket is
        closed with 4403 too when the key is revoked (api/live.py)."""
        secret = _bearer((context.connection_params or {}).get("authorization"))
        services = context.services
        principal = await in_thread(services.api_keys.verify, secret) if secret else None
        if principal is None:
            raise ConnectionRejectionError()
        context.sign_in(principal)
        socket = context.request
        assert isinstance(socket, WebSocket)

        async def close() -> None:
            await socket.close(code=REVOKED, reason="API key revoked")

        context.forget_socket = context.live.watch_key(principal.key_id, close)
        acknowledged: UnsetType = UNSET  # connection_ack without a payload
        return acknowledged

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        """A rate-limited operation is answered 429 with Retry-After."""
        response = super().create_response(response_data, sub_response)
        retry_after = _retry_after(response_data)
        if retry_after is not None:
            response.status_code = 429
            response.headers["Retry-After"] = str(retry_after)
        return response


def _bearer(value: object) -> str | None:
    """The secret of a `Bearer <key>` value (the scheme in any case), else None."""
    if not isinstance(value, str):
        return None
    scheme, _, secret = value.partition(" ")
    return secret.strip() or None if scheme.lower() == "bearer" else None


def _json_type(value: object) -> str:
    names = {str: "a string", list: "an array", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _check_operation_name(query: str | None, operation_name: object) -> None:
    """The GraphQL spec's GetOperation: a name is required when there are several."""
    if operation_name is not None and not isinstance(operation_name, str):
        raise HTTPException(400, "`operationName` must be a string or null")
    if not query:
        return
    try:
        document = parsed(query, MAX_TOKENS)
    except GraphQLError:
        return  # the schema answers syntax errors and token limits itself
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    names = [d.name.value for d in operations if d.name]
    chosen = [d for d in operations if operation_name is None or _named(d, operation_name)]
    if len(chosen) == 1 and chosen[0].operation is OperationType.SUBSCRIPTION:
        raise HTTPException(
            400, "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql"
        )
    if operation_name is None and len(operations) > 1:
        raise HTTPException(
            400,
            "the document holds more than one operation; say which to run with"
            f" `operationName` (one of: {', '.join(names) or 'none named'})",
        )
    if operation_name is not None and operation_name not in names:
        known = ", ".join(names) or "no named operations"
        raise HTTPException(
            400, f"unknown operation named {operation_name!r}; the document has {known}"
        )


def _named(operation: OperationDefinitionNode, name: str) -> bool:
    return operation.name is not None and operation.name.value == name


def _retry_after(data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> int | None:
    if not isinstance(data, dict):
        return None
    for error in data.get("errors") or []:
        if not isinstance(error, dict):  # typed as objects: they are formatted-error dicts
            continue
        extensions = error.get("extensions") or {}
        if extensions.get("code") == RATE_LIMITED:
            return int(extensions["retryAfter"])
    return None


def _error_response(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status,
    )
