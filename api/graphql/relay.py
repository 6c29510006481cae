"""Relay connections for every list: Edge, Connection and PageInfo, and the `first`/`after` checks.

A list field takes `first: First = DEFAULT_FIRST, after: After = None`, checks them with
`PageRequest.checked`, reads a keyset `Page` from a projection with `PageRequest.read`,
and answers `XConnection.of(page, after, nodes)`. The concrete types keep their GraphQL
names and descriptions (the schema is a contract):

    @relay_type("A member with its cursor in the list.", node="The member.")
    class MemberEdge(Edge[Member]): ...

    @relay_type("A page of members.", edges="Members with their cursors.")
    class MemberConnection(Connection[MemberEdge]): ...
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Self, TypeVar, get_args, get_origin

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_input
from api.services import in_thread
from projections.cursors import InvalidCursor, Page

# The arguments of every list field, described once (the default page is 50 items).
First = Annotated[int, strawberry.argument(description="Page size, 1 to 100.")]
After = Annotated[str | None, strawberry.argument(description="An endCursor.")]
DEFAULT_FIRST = 50

NodeT = TypeVar("NodeT")
EdgeT = TypeVar("EdgeT", bound="Edge[Any]")
T = TypeVar("T")


def check_first(first: int, maximum: int) -> None:
    """Refuse a page size outside 1..maximum, with the one message every list gives."""
    if not 1 <= first <= maximum:
        raise bad_input(f"first must be between 1 and {maximum}")


@dataclass(frozen=True)
class PageRequest:
    """The checked `first` and `after` of one list field."""

    first: int
    after: str | None

    @classmethod
    def checked(cls, info: Info, first: int, after: str | None) -> PageRequest:
        """`first` within 1..CRM_MAX_PAGE_SIZE, or BAD_USER_INPUT."""
        check_first(first, info.context.services.settings.max_page_size)
        return cls(first, after)

    async def read(self, query: Callable[[str | None, int], Page]) -> Page:
        """The page, read off the event loop; another list's cursor is BAD_USER_INPUT."""
        try:
            return await in_thread(query, self.after, self.first)
        except InvalidCursor as error:
            raise bad_input(f"after: {error}") from None


@strawberry.type(description="Where a page ends, for asking the next one.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="This page was asked with `after`.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")

    @classmethod
    def of(cls, page: Page, after: str | None) -> PageInfo:
        """Paging state of a keyset page asked for after a cursor (or from the start)."""
        return cls(
            has_next_page=page.has_next,
            has_previous_page=after is not None,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        )


@strawberry.type(description="An item with its cursor in the list.")
class Edge(Generic[NodeT]):
    node: NodeT = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="Opaque position in the list.")


@strawberry.type(description="A page of a list (keyset pagination: stable under inserts).")
class Connection(Generic[EdgeT]):
    """Generic over its edge type, so that each concrete edge keeps its own name."""

    edges: list[EdgeT] = strawberry.field(description="Items and cursors.")
    page_info: PageInfo = strawberry.field(description="Paging state.")

    @classmethod
    def of(cls, page: Page, after: str | None, nodes: Iterable[Any], **fields: Any) -> Self:
        """The connection of a page, one node per row; a None node (gone meanwhile) is left out."""
        edge = cls._edge_type()
        edges = [
            edge(node=node, cursor=cursor)
            for node, cursor in zip(nodes, page.cursors, strict=True)
            if node is not None
        ]
        return cls(edges=edges, page_info=PageInfo.of(page, after), **fields)

    @classmethod
    def _edge_type(cls) -> type[EdgeT]:
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is Connection:
                edge: type[EdgeT] = get_args(base)[0]
                return edge
        raise TypeError(f"{cls.__name__} must subclass Connection[SomeEdge]")


def relay_type(description: str, **fields: str) -> Callable[[type[T]], type[T]]:
    """`strawberry.type` for a concrete Edge or Connection, describing it and its inherited fields.

    The generic types hold the structure; each concrete one says what its items are.
    """

    def decorate(cls: type[T]) -> type[T]:
        typed = strawberry.type(cls, description=description)
        definition = typed.__strawberry_definition__  # type: ignore[attr-defined]
        unknown = set(fields) - {f.python_name for f in definition.fields}
        if unknown:
            raise TypeError(f"{cls.__name__} has no fields {sorted(unknown)}")
        described = []
        for field in definition.fields:
            if field.python_name in fields:
                # A copy: the generic type's field is shared by every concrete type.
                field = copy.copy(field)
                field.description = fields[field.python_name]
            described.append(field)
        definition.fields = described
        return typed

    return decorate
