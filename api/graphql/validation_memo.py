"""Validation remembered per document text: clients send the same few documents again and
again, and validating one costs more than parsing it (2.9 ms for the candidate list).

strawberry's ValidationCache never hits here: the depth and alias limiters build a new rule
class per request, so its key changes every time. The rules of one schema are the same for
every request (the limits are fixed when the schema is built), so the document's text is
key enough; each schema built gets its own memo.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

MEMO_SIZE = 256
# Only documents up to this size are remembered: clients' documents are a few KB, and a
# bound on each keeps the memo's memory small whatever a caller sends.
MAX_REMEMBERED_CHARS = 16_384


class ValidationMemo:
    """The validation errors of the most recent document texts (none: valid), bounded."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self._found: OrderedDict[str, tuple[GraphQLError, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> tuple[GraphQLError, ...] | None:
        """The errors remembered for this text; None if it was not validated lately."""
        with self._lock:
            found = self._found.get(text)
            if found is not None:
                self._found.move_to_end(text)
            return found

    def put(self, text: str, errors: tuple[GraphQLError, ...]) -> None:
        """Remember the text's errors, forgetting the least recently used beyond the size."""
        if len(text) > MAX_REMEMBERED_CHARS:
            return
        with self._lock:
            self._found[text] = errors
            self._found.move_to_end(text)
            while len(self._found) > self.size:
                self._found.popitem(last=False)


class RememberedValidation(SchemaExtension):
    """Validates a document text once, then answers from the schema's memo."""

    def __init__(self, memo: ValidationMemo) -> None:
        super().__init__()
        self.memo = memo

    def on_validate(self) -> Iterator[None]:
        """Set the errors (remembered, or found now) before strawberry would validate."""
        context = self.execution_context
        if context.query is not None and context.graphql_document is not None:
            errors = self.memo.get(context.query)
            if errors is None:
                found = validate_document(
                    context.schema._schema, context.graphql_document, context.validation_rules
                )
                errors = tuple(found)
                self.memo.put(context.query, errors)
            context.pre_execution_errors = list(errors)
        yield
