"""Remembered validation refuses what validation refuses, the second time as the first."""

from __future__ import annotations

import pytest
from graphql import GraphQLError

from api.graphql.schema import MAX_ALIASES, MAX_DEPTH, build_schema
from api.graphql.validation_memo import MAX_REMEMBERED_CHARS, ValidationMemo


def nested(depth: int) -> str:
    """A selection `depth` fields deep (as tests/api/test_limits.py builds it)."""
    inner = " ".join(["{ f"] * (depth - 4)) + " { leaf }" + " }" * (depth - 4)
    return f"{{ members {{ edges {{ node {{ identities {inner} }} }} }} }}"


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ("{ members(first: 1) { edges { node { noSuchField } } } }", "noSuchField"),
        ("{ " + " ".join(f"a{n}: __typename" for n in range(MAX_ALIASES + 1)) + " }", "alias"),
        ("{ members(first: 1) { edges ", "Syntax Error"),
        (nested(MAX_DEPTH + 2), f"exceeds maximum operation depth of {MAX_DEPTH}"),
    ],
    ids=["unknown-field", "too-many-aliases", "syntax", "too-deep"],
)
def test_a_refused_document_is_refused_again_alike(document: str, says: str) -> None:
    schema = build_schema()
    first = schema.execute_sync(document)
    again = schema.execute_sync(document)
    assert first.errors and any(says.lower() in e.message.lower() for e in first.errors)
    assert [e.formatted for e in again.errors or []] == [e.formatted for e in first.errors]


def test_the_memo_forgets_the_least_recently_used() -> None:
    memo = ValidationMemo(size=2)
    error = (GraphQLError("no"),)
    memo.put("a", ())
    memo.put("b", error)
    assert memo.get("a") == ()  # a is now the most recent
    memo.put("c", ())
    assert memo.get("b") is None and memo.get("a") == () and memo.get("c") == ()


def test_a_document_past_the_size_bound_is_validated_each_time_not_kept() -> None:
    memo = ValidationMemo()
    big = "{ __typename }" + " " * MAX_REMEMBERED_CHARS
    memo.put(big, ())
    memo.put("{ __typename }", ())
    assert memo.get(big) is None and memo.get("{ __typename }") == ()
