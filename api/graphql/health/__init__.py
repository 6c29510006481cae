"""Community health over GraphQL."""
