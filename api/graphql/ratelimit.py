"""Charges each GraphQL operation to its key's read or write bucket before it runs."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.ratelimit import RateLimited, RateLimiter
from application.settings import RateKind

RATE_LIMITED = "RATE_LIMITED"


class RateLimitOperations(SchemaExtension):
    """Mutations cost a write token, everything else a read token; none left: RATE_LIMITED."""

    def on_execute(self) -> Iterator[None]:
        """Answer with a RATE_LIMITED error instead of executing when the bucket is empty."""
        context = self.execution_context
        app = getattr(getattr(context.context, "request", None), "app", None)
        limiter: RateLimiter | None = getattr(getattr(app, "state", None), "rate_limiter", None)
        if limiter is not None:
            kind: RateKind = "write" if context.operation_type == OperationType.MUTATION else "read"
            try:
                limiter.check(context.context.principal, kind)
            except RateLimited as limited:
                error = GraphQLError(
                    limited.message,
                    extensions={"code": RATE_LIMITED, "retryAfter": limited.retry_after},
                )
                context.result = ExecutionResult(data=None, errors=[error])
        yield
