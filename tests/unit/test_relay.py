"""The Relay toolkit: concrete connections keep their names and descriptions, pages become edges."""

from __future__ import annotations

import pytest
import strawberry

from api.graphql.relay import Connection, Edge, PageInfo, relay_type
from projections.cursors import Page


@strawberry.type(description="A fruit.")
class Fruit:
    name: str = strawberry.field(description="Its name.")


@relay_type("A fruit with its cursor.", node="The fruit.")
class FruitEdge(Edge[Fruit]):
    """An edge of fruits."""


@relay_type("A page of fruits.", edges="Fruits and cursors.")
class FruitConnection(Connection[FruitEdge]):
    """A page of fruits."""


@strawberry.type
class Query:
    @strawberry.field
    def fruits(self, after: str | None = None) -> FruitConnection:
        page = Page([{}, {}, {}], has_next=True, cursors=["c1", "c2", "c3"])
        # The second row's object is gone: its edge is left out, the cursors stay aligned.
        return FruitConnection.of(page, after, [Fruit(name="fig"), None, Fruit(name="kiwi")])

    @strawberry.field
    def bare(self) -> Edge[PageInfo]:
        return Edge(node=PageInfo.of(Page([], False), None), cursor="x")


SCHEMA = strawberry.Schema(query=Query)


def test_concrete_types_keep_their_own_names_and_descriptions() -> None:
    """The GraphQL contract of each list is its own; the generic types stay generic."""
    sdl = str(SCHEMA)
    assert '"""A fruit with its cursor."""\ntype FruitEdge {\n  """The fruit."""\n' in sdl
    assert '"""A page of fruits."""\ntype FruitConnection {\n' in sdl
    assert '  """Fruits and cursors."""\n  edges: [FruitEdge!]!\n' in sdl
    assert '  """Paging state."""\n  pageInfo: PageInfo!\n' in sdl
    # Describing FruitEdge left the generic edge's descriptions alone.
    assert '"""An item with its cursor in the list."""\ntype PageInfoEdge {\n' in sdl
    assert '  """The item."""\n  node: PageInfo!\n' in sdl


def test_a_page_becomes_edges_and_page_info() -> None:
    """One edge per row whose object still exists, with the page's cursors and paging state."""
    result = SCHEMA.execute_sync(
        '{ fruits(after: "c0") { edges { cursor node { name } }'
        " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
    )
    assert result.errors is None
    assert result.data == {
        "fruits": {
            "edges": [
                {"cursor": "c1", "node": {"name": "fig"}},
                {"cursor": "c3", "node": {"name": "kiwi"}},
            ],
            "pageInfo": {
                "hasNextPage": True,
                "hasPreviousPage": True,
                "startCursor": "c1",
                "endCursor": "c3",
            },
        }
    }


def test_describing_a_field_the_type_does_not_have_is_an_error() -> None:
    """A misspelt field name fails at import, not silently in the schema."""
    with pytest.raises(TypeError, match="nod"):

        @relay_type("A typo.", nod="The fruit.")
        class TypoEdge(Edge[Fruit]):
            """Never built."""
