"""GraphQL types, queries and mutations of platform imports."""
