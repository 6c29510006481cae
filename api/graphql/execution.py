"""GraphQL execution with a shortcut for plain objects: leaves read and coerced in one loop.

graphql-core executes every field on its own (resolve info, resolver, awaitable checks,
completion), about 6 µs a field. A candidate list asks for 50 x 7 factors of `why`, each an
object of plain attributes: 1,400 such fields, most of a page's time. For an object type
whose every field is a strawberry attribute without arguments returning a scalar or an enum,
the selected fields are read and coerced here instead. Anything unusual (a null where the
schema forbids one, a value that does not coerce, an unknown field) falls back to
graphql-core's own path, which then reports the error as it always did.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    is_leaf_type,
)
from graphql.pyutils import Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

DEFINITION = "strawberry-definition"


class _Leaf(NamedTuple):
    """How to read one plain field: its attribute, its type, whether null is allowed."""

    field: StrawberryField
    type: GraphQLLeafType
    nullable: bool


class PlainObjectExecution(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, with plain objects' fields read in one loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per object type met in this operation: its fields as leaves, or None if not plain.
        self._plain: dict[str, dict[str, _Leaf] | None] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """The fields of a plain object read directly; any other through graphql-core."""
        plain = self._plain_fields(parent_type)
        if plain is not None:
            found = _read(plain, parent_type.name, source_value, grouped_field_set)
            if found is not None:
                return found
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def _plain_fields(self, parent_type: GraphQLObjectType) -> dict[str, _Leaf] | None:
        name = parent_type.name
        if name not in self._plain:
            self._plain[name] = _leaves(parent_type)
        return self._plain[name]


def _leaves(parent_type: GraphQLObjectType) -> dict[str, _Leaf] | None:
    """The type's fields as leaves when every one is a plain attribute; None otherwise."""
    leaves: dict[str, _Leaf] = {}
    for name, field in parent_type.fields.items():
        leaf = _leaf(field)
        if leaf is None:
            return None
        leaves[name] = leaf
    return leaves


def _leaf(field: GraphQLField) -> _Leaf | None:
    definition = (field.extensions or {}).get(DEFINITION)
    resolver_is_default = getattr(field.resolve, "_is_default", False)
    if not isinstance(definition, StrawberryField) or not resolver_is_default or field.args:
        return None
    nullable = not isinstance(field.type, GraphQLNonNull)
    named = field.type if nullable else field.type.of_type  # type: ignore[union-attr]
    if not is_leaf_type(named):
        return None
    return _Leaf(definition, named, nullable)


def _read(
    plain: dict[str, _Leaf], type_name: str, source: Any, grouped_field_set: Any
) -> dict[str, Any] | None:
    """The selected fields' values, coerced; None to leave the object to graphql-core."""
    results: dict[str, Any] = {}
    for response_name, details in grouped_field_set.items():
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            results[response_name] = type_name
            continue
        leaf = plain.get(name)
        if leaf is None or node.arguments:
            return None
        try:
            value = leaf.field.get_result(source, None, [], {})
            if value is None:
                if not leaf.nullable:
                    return None
                results[response_name] = None
                continue
            coerced = leaf.type.coerce_output_value(value)
        except Exception:  # graphql-core's path reports it, located
            return None
        if coerced is None or coerced is Undefined:
            return None
        results[response_name] = coerced
    return results
