"""Hypothesis strategies for GraphQL variables and documents, derived from the live schema.

Every field of Query and Mutation with arguments gets a document declaring one variable per
argument and selecting the answer a few levels deep; values come from the argument types,
mixed with ids of real members so that mutations reach past NotFound.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    ast_from_value,
    get_named_type,
    is_leaf_type,
    print_ast,
)
from graphql.language import Lexer, Source, TokenKind
from graphql.pyutils import Undefined
from hypothesis import strategies as st

from api.graphql.schema import build_schema

SCHEMA: GraphQLSchema = build_schema()._schema
SELECTION_DEPTH = 4  # object levels selected below the operation's field

# Every representable moment: the edge refuses those outside the accepted span.
DATETIMES = (datetime.min, datetime.max)


def _root(kind: str) -> GraphQLObjectType:
    """Query, Mutation or Subscription."""
    roots = {"mutation": SCHEMA.mutation_type, "subscription": SCHEMA.subscription_type}
    root = roots.get(kind, SCHEMA.query_type)
    assert root is not None
    return root


def operation_fields(kind: str) -> list[str]:
    """Names of the fields of Query, Mutation or Subscription that take arguments."""
    root = _root(kind)
    # Erasure runs last, so that the other mutations meet the seeded members still alive.
    names = [name for name, field in root.fields.items() if field.args]
    return sorted(names, key=lambda name: (name == "eraseMember", name))


def root_field(kind: str, name: str) -> GraphQLField:
    """One field of Query, Mutation or Subscription."""
    return _root(kind).fields[name]


def document(kind: str, name: str) -> str:
    """`mutation($input: X!) { name(input: $input) { ...a few levels... } }`."""
    field = root_field(kind, name)
    declared = ", ".join(_declaration(arg, spec) for arg, spec in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    return f"{kind} Fuzz({declared}) {{ {name}({passed}) {selection(field.type)} }}"


def _declaration(name: str, spec: GraphQLArgument) -> str:
    """`$first: Int! = 50`: the argument's default, so that leaving the variable out is valid."""
    if spec.default_value is Undefined:
        return f"${name}: {spec.type}"
    default = ast_from_value(spec.default_value, spec.type)
    return f"${name}: {spec.type} = {print_ast(default) if default else 'null'}"


def token_count(text: str) -> int:
    """Tokens as the server's MaxTokensLimiter counts them."""
    lexer, count = Lexer(Source(text)), 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


def selection(type_: Any, depth: int = SELECTION_DEPTH) -> str:
    """Every scalar field and, while depth lasts, every object field without required args."""
    named = get_named_type(type_)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLUnionType):
        parts = [f"... on {member.name} {selection(member, depth)}" for member in named.types]
        return "{ __typename " + " ".join(parts) + " }"
    assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
    parts = ["__typename"]
    for field_name, field in named.fields.items():
        if any(_required(arg.type, arg.default_value) for arg in field.args.values()):
            continue
        if is_leaf_type(get_named_type(field.type)):
            parts.append(field_name)
        elif depth > 1:
            parts.append(field_name + " " + selection(field.type, depth - 1))
    return "{ " + " ".join(parts) + " }"


def _required(type_: Any, default: Any) -> bool:
    return isinstance(type_, GraphQLNonNull) and default is Undefined


# Real values mixed into the random ones: ids of seeded members, handles they hold.
class Pools:
    """Ids and handles that exist, filled once the seed members are joined."""

    member_ids: list[str] = ["00000000-0000-0000-0000-000000000000"]
    handles: list[str] = ["ada"]
    feedback_ids: list[str] = ["00000000-0000-0000-0000-000000000000"]
    event_ids: list[str] = ["00000000-0000-0000-0000-000000000000"]


_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12, minutes=-30))]
)
_EARLIEST, _LATEST = DATETIMES


def _recent() -> st.SearchStrategy[str]:
    return st.integers(-400, 10).map(
        lambda days: (datetime.now(UTC) + timedelta(days=days)).isoformat()
    )


def _edge_datetimes() -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            text
            for text in (
                "0001-01-01T00:00:00+00:00",
                "0001-01-01T00:00:00+14:00",
                "9999-12-31T23:59:59-12:00",
                "1900-01-01T00:00:00+00:00",
                "1970-01-01T00:00:00+00:00",
                "1971-01-01T00:00:00+00:00",
                "2199-12-31T23:59:59+00:00",
            )
            if _EARLIEST.isoformat() <= text[:19] <= _LATEST.isoformat()
        ]
    )


def _datetimes() -> st.SearchStrategy[str]:
    aware = st.datetimes(_EARLIEST, _LATEST, timezones=_ZONES).map(datetime.isoformat)
    naive = st.datetimes(_EARLIEST, _LATEST).map(datetime.isoformat)
    odd = st.sampled_from(["", "now", "2026-02-30T00:00:00Z", "2026-13-01", "1e9", "T"])
    return st.one_of(_recent(), aware, naive, odd, _edge_datetimes(), st.text(max_size=30))


_INTERESTING_TEXT = st.sampled_from(
    [
        "",
        " ",
        "ada",
        "@Ada",
        "a" * 201,
        "x" * 2001,
        "https://example.org/x",
        "ftp://example.org",
        "ada@example.org",
        "not-an-email",
        "O'Brien; DROP TABLE members;--",
        "%_\\",
        "Zoë Ñandú",
        "李小龙",
        "مرحبا",
        "🙂" * 60,
        "e\u0301",
        "\u00a0",
    ]
)


def _strings() -> st.SearchStrategy[str]:
    return st.one_of(
        _INTERESTING_TEXT,
        st.text(max_size=40),
        st.text(st.characters(codec="ascii"), max_size=80),
        st.sampled_from(Pools.handles),
    )


def _ids() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(Pools.member_ids),
        st.sampled_from(Pools.feedback_ids),
        st.sampled_from(Pools.event_ids),
        st.uuids().map(str),
        st.sampled_from(["", "1", "not-a-uuid", "TWVtYmVyOjE="]),
        st.text(max_size=20),
    )


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value, a few levels deep."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        _strings(),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(_strings(), inner, max_size=4)
        ),
        max_leaves=12,
    )


_INT32 = (-(2**31), 2**31 - 1)


def _scalar(named: GraphQLScalarType, context: str) -> st.SearchStrategy[Any]:
    if named.name == "String":
        return _strings()
    if named.name == "ID":
        return _ids()
    if named.name == "Int":
        low, high = _INT32
        edges = st.sampled_from([n for n in (0, 1, -1, low, high) if low <= n <= high])
        return st.one_of(edges, st.integers(low, high))
    if named.name == "Float":
        return st.one_of(
            st.sampled_from([0.0, 1.0, -1.0, 0.5, 1e308, -1e308, 5e-324]),
            st.floats(allow_nan=False, allow_infinity=False),
        )
    if named.name == "Boolean":
        return st.booleans()
    if named.name == "DateTime":
        return _datetimes()
    if named.name == "Date":
        return st.dates(_EARLIEST.date(), _LATEST.date()).map(str) | st.text(max_size=12)
    if named.name == "JSON":
        return st.one_of(st.dictionaries(_strings(), json_values(), max_size=6), json_values())
    raise AssertionError(f"no strategy for scalar {named.name}: add one")


def _plausible() -> dict[str, st.SearchStrategy[Any]]:
    """Values that pass validation most of the time, by input field or argument name."""
    handle = st.one_of(
        st.sampled_from(Pools.handles), st.from_regex(r"[a-z][a-z0-9_]{1,15}", fullmatch=True)
    )
    # Mostly recent times, sometimes the edges of the accepted range.
    recent = st.one_of(_recent(), _recent(), _recent(), _edge_datetimes())
    identity = st.fixed_dictionaries(
        {"channel": st.sampled_from(["DISCORD", "GITHUB", "SLACK"]), "handle": handle}
    )
    words = st.text(st.characters(categories=["L", "Nd", "Zs"]), min_size=1, max_size=30)
    members = st.sampled_from(Pools.member_ids)
    items = st.sampled_from(Pools.feedback_ids)
    return {
        "id": st.sampled_from(Pools.member_ids),
        "memberId": members,
        **dict.fromkeys(
            ("authorId", "submittedBy", "responderId", "changedBy", "markedBy", "unmarkedBy"),
            members,
        ),
        "toldBy": members,
        "eventId": st.sampled_from(Pools.event_ids),
        "hostIds": st.lists(members, max_size=2),
        "title": words,
        "place": st.none() | words,
        "itemId": items,
        "canonicalId": items,
        "text": words,
        "sourceUrl": st.none()
        | st.from_regex(r"https://example\.org/[a-z0-9/]{0,30}", fullmatch=True),
        "key": st.from_regex(r"[A-Z]{1,5}-[0-9]{1,5}", fullmatch=True),
        "productArea": st.none() | words,
        "team": st.none() | words,
        "expectedVersion": st.none() | st.integers(1, 8),
        "displayName": words,
        "email": st.emails(),
        "handle": handle,
        "identity": identity,
        "identities": st.lists(identity, max_size=3),
        "tag": st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
        "externalId": st.uuids().map(str),
        "threadRef": st.none() | words,
        "url": st.from_regex(r"https://example\.org/[a-z0-9/]{0,30}", fullmatch=True),
        "summary": st.none() | words,
        "reason": st.none() | words,
        "attributes": st.dictionaries(
            st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True), words, max_size=4
        ),
        "version": st.from_regex(r"draft-[0-9]{1,4}", fullmatch=True),
        "newForDays": st.integers(1, 90),
        "baselineWindowDays": st.integers(30, 730),
        "recentWindowDays": st.integers(7, 60),
        "minActiveWeeks": st.integers(1, 52),
        "gapPercentile": st.floats(0.5, 1),
        "gapFactor": st.floats(1, 4),
        "minSilenceDays": st.integers(1, 30),
        "maxSilenceDays": st.integers(30, 80),
        "silentInactiveDays": st.integers(90, 365),
        "returningGraceDays": st.integers(7, 60),
        "first": st.integers(1, 100),
        "after": st.none(),
        "search": st.none() | words,
        **dict.fromkeys(
            (
                "joinedAt",
                "leftAt",
                "rejoinedAt",
                "occurredAt",
                "asOf",
                "submittedAt",
                "respondedAt",
                "toldAt",
                "startsAt",
                "endsAt",
                "registeredAt",
                "checkedInAt",
            ),
            recent,
        ),
    }


def values(
    type_: GraphQLInputType, context: str, plausible: bool = False
) -> st.SearchStrategy[Any]:
    """Values of a GraphQL input type (valid in shape; the content is anything)."""
    if isinstance(type_, GraphQLNonNull):
        return _non_null(type_.of_type, context, plausible)
    if plausible:
        return _non_null(type_, context, plausible)
    return st.one_of(st.none(), _non_null(type_, context, plausible))


def _non_null(type_: Any, context: str, plausible: bool) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLList):
        return st.lists(values(type_.of_type, context, plausible), max_size=4)
    if isinstance(type_, GraphQLEnumType):
        return st.sampled_from(sorted(type_.values))
    if isinstance(type_, GraphQLScalarType):
        return _scalar(type_, context)
    assert isinstance(type_, GraphQLInputObjectType), type_
    return _fields(type_.fields, context, plausible)


def _fields(fields: dict[str, Any], context: str, plausible: bool) -> st.SearchStrategy[Any]:
    """A dictionary of input fields or arguments: the required ones and some optional ones."""
    known = _plausible() if plausible else {}

    def strategy(name: str, spec: Any) -> st.SearchStrategy[Any]:
        return known[name] if name in known else values(spec.type, context, plausible)

    required = {
        name: strategy(name, spec)
        for name, spec in fields.items()
        if _required(spec.type, spec.default_value)
    }
    optional = {name: strategy(name, spec) for name, spec in fields.items() if name not in required}
    return st.fixed_dictionaries(required, optional=optional)


def variables(kind: str, name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Variables for every argument: half mostly plausible, half anything of the right type."""
    args = root_field(kind, name).args
    return st.one_of(_fields(args, name, plausible=True), _fields(args, name, plausible=False))


def named_types(names: Iterable[str]) -> list[GraphQLNamedType]:
    """Schema types by name (for tests of this module)."""
    return [SCHEMA.type_map[name] for name in names]
