"""Unexpected errors reach clients as an opaque reference, and the server log in full."""

from __future__ import annotations

import logging
import uuid

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

log = logging.getLogger("crm.api.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """Syntax, validation and our own coded errors are for the client; the rest is a bug."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Replaces an unexpected error by a reference id that is also logged server-side."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        """Log the error with an id, and give the client only that id."""
        reference = uuid.uuid4().hex[:12]
        log.error(
            "unexpected error %s at %s",
            reference,
            error.path,
            exc_info=error.original_error,
        )
        return GraphQLError(
            message=f"Unexpected error (reference {reference}).",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "reference": reference},
        )
