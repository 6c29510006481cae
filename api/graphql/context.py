"""The per-request GraphQL context: services and the authenticated caller."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.fastapi import BaseContext

from api.auth import Principal
from api.graphql.member_fields import MemberFields
from api.services import Services


class Context(BaseContext):
    """Services, caller and Member's cross-context resolvers of one request.

    principal is None only for the IDE page.
    """

    def __init__(
        self, services: Services, principal: Principal | None, member_fields: MemberFields
    ) -> None:
        super().__init__()
        self.services = services
        self._principal = principal
        # Member's fields answered by other contexts (see api/graphql/member_fields.py).
        self.member_fields = member_fields

    @property
    def principal(self) -> Principal:
        """The caller; every operation requires one."""
        if self._principal is None:
            raise GraphQLError("authentication required", extensions={"code": "UNAUTHENTICATED"})
        return self._principal


Info = strawberry.Info[Context, Any]
