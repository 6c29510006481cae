"""GraphQL types, queries and mutations of community events."""
