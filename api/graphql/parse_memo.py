"""Parsing remembered per document text: clients send the same few documents again and
again, and parsing each one twice (the router checks its operation names first) took a
third of the event loop's time under a stream of mutations (bench/commands.py profiled).

Only documents up to validation_memo's size are remembered, so the memo's memory stays
small whatever a caller sends; a document that does not parse is left to strawberry,
which reports the syntax error as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

from api.graphql.validation_memo import MAX_REMEMBERED_CHARS, MEMO_SIZE


@lru_cache(maxsize=MEMO_SIZE)
def _parsed(query: str, max_tokens: int | None) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


def parsed(query: str, max_tokens: int | None) -> DocumentNode:
    """The document, parsed once per text for texts the memo keeps (raises GraphQLError)."""
    if len(query) <= MAX_REMEMBERED_CHARS:
        return _parsed(query, max_tokens)
    return parse(query, max_tokens=max_tokens)


class RememberedParse(SchemaExtension):
    """Hands strawberry the remembered parse of a document seen before (after the token
    limit is set, so a remembered document met it)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is not None and len(query) <= MAX_REMEMBERED_CHARS:
            try:
                context.graphql_document = _parsed(query, context.parse_options.get("max_tokens"))
            except GraphQLError:
                pass  # strawberry parses it again and answers with the error
        yield
