"""Relay object identification: the `Node` interface and `node(id:)`, to refetch any object.

A global id is base64 of `TypeName:id`, as strawberry's `relay.GlobalID` writes it. It is
carried by `globalId`, not `id`: every type kept its `id` (a UUID) as it was, so clients
holding ids keep working; Relay clients set `nodeInterfaceIdField: "globalId"` in their
compiler's `schemaConfig`. A type joins by implementing `Node` and `resolve_node`, which
must apply the caller's masking as the type's own queries do.
"""

from __future__ import annotations

from typing import Self

import strawberry
from strawberry.relay import GlobalID, GlobalIDValueError
from strawberry.relay.utils import to_base64

from api.graphql.context import Info
from api.graphql.errors import bad_input

MALFORMED = "id: not a global id (pass a globalId this API handed out)"


@strawberry.interface(
    description="An object that can be fetched again by its globalId with `node(id:)`."
)
class Node:
    # Each type declares its own public `id`; here it only names the object in its type.
    id: strawberry.Private[str]

    @strawberry.field(
        description="Global id: opaque, stable, unique across types (for `node(id:)`)."
    )
    def global_id(self) -> strawberry.ID:
        name = type(self).__strawberry_definition__.name  # type: ignore[attr-defined]
        return strawberry.ID(to_base64(name, self.id))

    @classmethod
    async def resolve_node(cls, info: Info, node_id: str) -> Self | None:
        """The object with this (type-local) id as the caller may see it, or None."""
        raise NotImplementedError(f"{cls.__name__} must say how node(id:) fetches it")


@strawberry.type
class NodeQuery:
    """Object identification on the query root."""

    @strawberry.field(
        description="Any object by its globalId, with your role's masking as everywhere;"
        " null when no such object exists."
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        try:
            found = GlobalID.from_id(id)
        except GlobalIDValueError:
            raise bad_input(MALFORMED) from None
        if not found.type_name:
            raise bad_input(MALFORMED)
        definition = info.schema.get_type_by_name(found.type_name)
        kind = getattr(definition, "origin", None)
        if not isinstance(kind, type) or not issubclass(kind, Node) or kind is Node:
            raise bad_input(f"id: {found.type_name[:100]} objects cannot be fetched by node()")
        return await kind.resolve_node(info, found.node_id)
