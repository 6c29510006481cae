"""Remembered parsing: a document seen before is not parsed again; a long one, a broken
one and one over the token limit are answered as strawberry answers them."""

from __future__ import annotations

from api.graphql.parse_memo import _parsed, parsed
from api.graphql.schema import MAX_TOKENS, build_schema
from api.graphql.validation_memo import MAX_REMEMBERED_CHARS


def test_a_document_seen_before_is_parsed_once() -> None:
    schema = build_schema()
    document = "query RememberedOnce { __typename }"
    first = schema.execute_sync(document)
    parsed = _parsed.cache_info()
    again = schema.execute_sync(document)
    assert first.data == again.data == {"__typename": "Query"}
    assert _parsed.cache_info().hits == parsed.hits + 1
    assert _parsed.cache_info().misses == parsed.misses


def test_long_broken_and_oversized_documents_are_answered_as_before() -> None:
    schema = build_schema()
    long = "{ __typename }" + " " * MAX_REMEMBERED_CHARS
    before = _parsed.cache_info()
    assert schema.execute_sync(long).data == {"__typename": "Query"}
    assert _parsed.cache_info().misses == before.misses  # never offered to the memo
    broken = schema.execute_sync("{ __typename ")
    assert broken.errors and "Syntax Error" in broken.errors[0].message
    tokens = "{ " + " ".join(f"a{n}: __typename" for n in range(MAX_TOKENS)) + " }"
    refused = schema.execute_sync(tokens)
    assert refused.errors and "token" in refused.errors[0].message.lower()


def test_the_routers_check_and_the_schema_share_one_parse() -> None:
    document = "query SharedParse { __typename }"
    routed = parsed(document, MAX_TOKENS)
    before = _parsed.cache_info()
    assert build_schema().execute_sync(document).data == {"__typename": "Query"}
    assert _parsed.cache_info().misses == before.misses
    assert parsed(document, MAX_TOKENS) is routed
