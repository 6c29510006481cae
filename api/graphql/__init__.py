"""The GraphQL API: schema, context, errors, and one package per bounded context."""
