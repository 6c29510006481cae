"""The per-request GraphQL context: services and the authenticated caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLError
from strawberry.fastapi import BaseContext

from api.auth import Principal
from api.graphql.member_fields import MemberFields
from api.services import Services

if TYPE_CHECKING:
    from api.live import LiveUpdates


class Context(BaseContext):
    """Services, caller and Member's cross-context resolvers of one request or socket.

    principal is None only for the IDE page, and for a socket until its connection_init.
    """

    def __init__(
        self,
        services: Services,
        principal: Principal | None,
        member_fields: MemberFields,
        live: LiveUpdates | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self._principal = principal
        # Member's fields answered by other contexts (see api/graphql/member_fields.py).
        self.member_fields = member_fields
        self._live = live
        # A socket's connection_init payload (set by strawberry), and what forgets the socket.
        self.connection_params: dict[str, Any] | None = None
        self.forget_socket: Callable[[], None] | None = None

    @property
    def principal(self) -> Principal:
        """The caller; every operation requires one."""
        if self._principal is None:
            raise GraphQLError("authentication required", extensions={"code": "UNAUTHENTICATED"})
        return self._principal

    def sign_in(self, principal: Principal) -> None:
        """A socket's caller, from the key of its connection_init."""
        self._principal = principal

    @property
    def live(self) -> LiveUpdates:
        """The process's live updates; subscriptions are served over WebSocket only."""
        if self._live is None:
            raise GraphQLError(
                "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql",
                extensions={"code": "BAD_REQUEST"},
            )
        return self._live


Info = strawberry.Info[Context, Any]
