"""The edges: FastAPI app, GraphQL schema, REST endpoints and the `crm` CLI."""
