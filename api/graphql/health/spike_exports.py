"""Activity spikes over GraphQL: what the schema composes (the lead merges it beside
api/graphql/health/__init__.py)."""

from api.graphql.health.spikes import SpikeMutation, SpikeQuery

__all__ = ["SpikeMutation", "SpikeQuery"]
