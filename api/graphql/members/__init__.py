"""Members over GraphQL: the member page, lists, search, and lifecycle mutations."""
