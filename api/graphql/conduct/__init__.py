"""The conduct context over GraphQL; what other contexts may use of it is exported here."""
