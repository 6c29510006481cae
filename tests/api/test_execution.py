"""PlainObjectExecution answers exactly as graphql-core does, errors included."""

from __future__ import annotations

import math
from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.graphql.execution import PlainObjectExecution


@strawberry.enum(description="A colour.")
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type(description="A plain object: attributes only.")
class Leafy:
    name: str
    score: float
    colour: Colour
    note: str | None


@strawberry.type(description="Not plain: one field has a resolver.")
class Resolved:
    name: str

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


ROWS: list[Any] = []


@strawberry.type
class Query:
    @strawberry.field
    def leaves(self) -> list[Leafy]:
        return ROWS

    @strawberry.field
    def resolved(self) -> list[Resolved]:
        return [Resolved(name="ada")]


def answers(document: str, rows: list[Any]) -> tuple[Any, Any]:
    """The answer of the plain-object execution and of graphql-core's, as (data, errors)."""
    ROWS[:] = rows
    found = []
    for context_class in (PlainObjectExecution, StrawberryGraphQLCoreExecutionContext):
        schema = strawberry.Schema(Query, execution_context_class=context_class)
        result = schema.execute_sync(document)
        errors = [(e.message, e.path) for e in result.errors or []]
        found.append((result.data, errors))
    return found[0], found[1]


GOOD = [Leafy(name="a", score=1.5, colour=Colour.RED, note=None)]


@pytest.mark.parametrize(
    "document",
    [
        "{ leaves { name score colour note } }",
        "{ leaves { __typename n: name score score2: score } }",
        "{ leaves { ...F colour } } fragment F on Leafy { name note }",
        "{ leaves { name @skip(if: true) score @include(if: false) colour } }",
        "{ resolved { name shout } }",
    ],
)
def test_answers_as_graphql_core_does(document: str) -> None:
    plain, core = answers(document, GOOD)
    assert plain == core
    assert plain[0] is not None and not plain[1]


@pytest.mark.parametrize(
    "bad",
    [
        Leafy(name=None, score=1.0, colour=Colour.RED, note=None),  # type: ignore[arg-type]
        Leafy(name="a", score=math.nan, colour=Colour.RED, note=None),
        Leafy(name="a", score=1.0, colour="green", note=None),  # type: ignore[arg-type]
    ],
    ids=["null-in-non-null", "nan-float", "unknown-enum"],
)
def test_a_bad_value_fails_as_graphql_core_fails_it(bad: Leafy) -> None:
    plain, core = answers("{ leaves { name score colour note } }", [*GOOD, bad])
    assert plain == core
    assert plain[1], "the bad value is reported"
