"""The health context over GraphQL: community KPIs per period and cohort retention."""

from api.graphql.health.queries import HealthQuery

__all__ = ["HealthQuery"]
