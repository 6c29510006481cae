"""The development pages (GraphiQL, /docs) with their scripts served from vendored files."""
